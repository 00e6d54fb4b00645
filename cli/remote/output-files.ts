import { randomUUID } from "node:crypto";
import { toJson } from "../../core/json.js";

/**
 * A file a command made (a report's file), as its output names it: `path` where this process wrote it;
 * run for a CLI elsewhere, the file is sent to that CLI as `name`, and the output shows the CLI's own
 * path of it. In a value given to printJson it is written as that path (a JSON string).
 */
export class OutputFile {
  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  /** JSON.stringify's hook: the path, or while jsonPieces writes a value, a marker standing for it. */
  toJSON(): string {
    return marking ? marking(this) : this.path;
  }
}

/** Set only during jsonPieces' own (synchronous) toJson call. */
let marking: ((file: OutputFile) => string) | null = null;

/**
 * printJson's text of a value, cut where its OutputFiles are: text, then the name of the file whose path
 * goes there, and so on. The markers carry a fresh random id, so no string of the data can pass for one.
 */
export function jsonPieces(value: unknown): (string | { file: string })[] {
  const id = randomUUID();
  const files: string[] = [];
  let text: string;
  marking = (file) => `\u0000${id}:${files.push(file.name) - 1}`;
  try {
    text = toJson(value);
  } finally {
    marking = null;
  }
  if (!files.length) return [text];
  // JSON.stringify writes the NUL as the six characters \u0000.
  const parts = text.split(new RegExp(`"\\\\u0000${id}:(\\d+)"`));
  return parts.map((part, i) => (i % 2 === 0 ? part : { file: files[Number(part)] ?? "" }));
}

/**
 * Why `name` cannot be the name of a file a server sends (null: it can): only a plain file name, so that
 * it lands in the folder it is written into and nowhere else.
 */
export function fileNameProblem(name: unknown): string | null {
  if (typeof name !== "string" || name === "") return "no name";
  if (/[/\\]/.test(name)) return "it names a folder";
  if (name.includes("..")) return 'it holds ".."';
  if (name.includes("\u0000")) return "it holds a NUL character";
  if (name.startsWith(".")) return 'it starts with "."';
  return null;
}
