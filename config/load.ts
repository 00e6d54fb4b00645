import { existsSync, readFileSync } from "node:fs";
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { UsageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import type { Config, configSchemaFor } from "./schema.js";
import { documentValue } from "./yaml-value.js";

type ConfigSchema = ReturnType<typeof configSchemaFor>;

export const DEFAULT_CONFIG_PATH = "./rules.yaml";

const LOCATIONS = new WeakMap<Config, (path: (string | number)[]) => string>();

/** Where a value of a loaded config stands, as file:line:column, for errors found after loading. */
export function configLocation(config: Config, path: (string | number)[]): string {
  return LOCATIONS.get(config)?.(path) ?? "rules.yaml (built-in defaults)";
}

/**
 * Loads rules.yaml. The default path may be absent (built-in defaults apply); a path the user named
 * must exist. Every error names the file, line, column and key.
 */
export function loadConfigWith(schema: ConfigSchema, path: string | undefined): Config {
  const file = path ?? DEFAULT_CONFIG_PATH;
  if (!existsSync(file)) {
    if (path === undefined) return schema.parse({});
    throw new UsageError(`${file}: config file not found (--config)`);
  }
  return parseConfigWith(schema, readFileSync(file, "utf8"), file);
}

export function parseConfigWith(schema: ConfigSchema, text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const yamlError = doc.errors[0];
  if (yamlError) throw new UsageError(`${where(yamlError.pos[0])}: invalid YAML: ${yamlError.message}`);

  const converted = documentValue(doc);
  if ("error" in converted)
    throw new UsageError(`${where(converted.offset)}: invalid YAML: ${converted.error}`);
  const result = schema.safeParse(converted.value ?? {});
  if (result.success) {
    LOCATIONS.set(result.data, (path) => {
      const node = doc.getIn(path, true);
      return where(isNode(node) ? node.range?.[0] : undefined);
    });
    return result.data;
  }

  const issue = result.error.issues[0];
  if (!issue) throw new UsageError(`${file}: invalid configuration`);
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const parent = path.length ? doc.getIn(path, true) : doc.contents;
    const pair = isMap(parent)
      ? parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key)
      : undefined;
    const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    const known = knownKeys(schema, path);
    const guess = closest(key, known);
    const hint = guess ? `did you mean "${guess}"?` : `known keys: ${known.join(", ")}`;
    throw new UsageError(`${where(offset)}: unknown key "${[...path, key].join(".")}": ${hint}`);
  }
  // A missing key has no node of its own: its parent's place is the nearest that the file has.
  let offset: number | undefined;
  for (let depth = path.length; depth >= 0 && offset === undefined; depth--) {
    const node = depth ? doc.getIn(path.slice(0, depth), true) : doc.contents;
    offset = isNode(node) ? node.range?.[0] : undefined;
  }
  throw new UsageError(`${where(offset)}: ${path.join(".") || "(top level)"}: ${issue.message}`);
}

function knownKeys(root: ConfigSchema, path: (string | number)[]): string[] {
  let schema: z.ZodType = root;
  for (const part of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[part as string] ?? schema;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
