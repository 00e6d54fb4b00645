import { type Alias, type Document, visit } from "yaml";

/**
 * Aliases a document may resolve in all, counting nested ones as often as they expand: a "billion
 * laughs" document (aliases of aliases of aliases) is refused instead of expanded.
 */
const MAX_ALIASES = 100;

/**
 * The document as plain values, or why it has none and where (the offset of the alias at fault). yaml
 * refuses an alias bomb, or an alias used before its anchor, with an error that names neither the
 * alias nor its place: the alias being converted when it threw is found by converting again with each
 * alias watched.
 */
export function documentValue(
  doc: Document,
): { value: unknown } | { error: string; offset: number | undefined } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let culprit: Alias | undefined;
    visit(doc, {
      Alias(_key, alias) {
        const toJSON = alias.toJSON.bind(alias);
        alias.toJSON = (...args) => {
          try {
            return toJSON(...args);
          } catch (inner) {
            culprit ??= alias; // the innermost alias throws first
            throw inner;
          }
        };
      },
    });
    try {
      doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch {
      // The same error again: culprit says where.
    }
    const what = /Excessive alias count/.test(error.message)
      ? `too many aliases (more than ${MAX_ALIASES} in all, counting nested ones as they expand): an alias bomb?`
      : error.message;
    return { error: `${culprit ? `alias *${culprit.source}: ` : ""}${what}`, offset: culprit?.range?.[0] };
  }
}
