import type { Action, Severity } from "../config/sections.js";
import { RULE_KINDS } from "./catalogue.js";
import type { Pack, RuleKind } from "./rule-kind.js";

/**
 * The rule catalogue's documentation, made from the kinds' metadata only: `finops rules`, the README's
 * rule table and the rules section of the bundled rules.yaml. `npm run docs` writes the last two
 * (scripts/docs.mjs); rules/docs.test.ts fails when the checked-in copies are stale.
 */

/** One parameter of a kind, as its zod schema says. */
export interface RuleParameter {
  name: string;
  /** The value used when rules.yaml leaves it out; null when there is none. */
  default: unknown;
  /** Whether rules.yaml must give it (no default, not optional). */
  required: boolean;
  /** The schema's own description, where the kind gives one. */
  description?: string;
}

/** One entry of the catalogue, as `finops rules --json` prints it. */
export interface CatalogueEntry {
  id: string;
  /** What it flags in a few words: the web view's label for it. */
  title: string;
  pack: Pack;
  description: string;
  severity: Severity;
  action: Action;
  parameters: RuleParameter[];
  savings: string;
  /** How a person fixes one finding, in one line (placeholders {id}, {name}, {arn}, {region}, {account}). */
  fix?: string;
  /** Whether leaving `rules` out of rules.yaml enables it (every parameter has a default). */
  enabledByDefault: boolean;
}

export function ruleParameters(kind: RuleKind): RuleParameter[] {
  const shape = (kind.params as unknown as { shape?: Record<string, ParamSchema> }).shape ?? {};
  return Object.entries(shape).map(([name, schema]) => {
    // A default is what the schema makes of nothing; an optional parameter without one stays undefined.
    const absent = schema.safeParse(undefined);
    return {
      name,
      default: absent.success && absent.data !== undefined ? absent.data : null,
      required: !absent.success,
      ...(schema.description ? { description: schema.description } : {}),
    };
  });
}

interface ParamSchema {
  safeParse(value: unknown): { success: boolean; data?: unknown };
  description?: string;
}

export function catalogue(): CatalogueEntry[] {
  return [...RULE_KINDS.values()].map((kind) => ({
    id: kind.kind,
    title: kind.title,
    pack: kind.pack,
    description: kind.description,
    severity: kind.defaultSeverity,
    action: kind.defaultAction,
    parameters: ruleParameters(kind),
    savings: kind.savings,
    ...(kind.fix ? { fix: kind.fix } : {}),
    enabledByDefault: kind.params.safeParse({}).success,
  }));
}

/** A parameter with its default as the README shows it: `name` = JSON value, or `name` alone. */
function parameterText(parameter: RuleParameter): string {
  return parameter.default === null
    ? `\`${parameter.name}\``
    : `\`${parameter.name}\` = ${JSON.stringify(parameter.default)}`;
}

/** The README's rule table, padded as `biome format` pads a Markdown table (so that lint agrees). */
export function ruleTableMarkdown(): string {
  const head = [
    "kind",
    "pack",
    "flags",
    "severity",
    "action",
    "parameters (defaults)",
    "estimated monthly savings",
  ];
  const rows = catalogue().map((entry) => [
    `\`${entry.id}\``,
    entry.pack,
    entry.description,
    entry.severity,
    entry.action,
    entry.parameters.map(parameterText).join(", ") || "none",
    entry.savings,
  ]);
  return markdownTable(head, rows);
}

export function markdownTable(head: string[], rows: string[][]): string {
  const cells = [head, ...rows].map((row) => row.map((cell) => cell.replaceAll("|", "\\|")));
  const widths = head.map((_, column) => Math.max(3, ...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) => `| ${widths.map((width, i) => (row[i] ?? "").padEnd(width)).join(" | ")} |`;
  const [header, ...body] = cells;
  return [line(header ?? []), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}

/** How wide the generated rules.yaml's lines may be before a comment wraps or params go to block style. */
const YAML_WIDTH = 100;

/**
 * The entries of the bundled rules.yaml's `rules:` list: every kind enabled by default with its default
 * severity, action and parameters, each under a comment saying what it flags and saves; a kind without
 * defaults (sql) as its commented-out example. Loading it enables what leaving `rules` out enables.
 */
export function rulesYaml(): string {
  const out: string[] = [];
  for (const entry of catalogue()) {
    out.push(...comment(`${entry.id} (${entry.pack}): ${entry.description}`, "  "));
    out.push(...comment(`Savings: ${entry.savings}.`, "  "));
    const kind = RULE_KINDS.get(entry.id);
    if (!entry.enabledByDefault) {
      for (const line of (kind?.example ?? "").trimEnd().split("\n")) out.push(`  # ${line}`.trimEnd());
      continue;
    }
    out.push(`  - id: ${entry.id}`, `    severity: ${entry.severity}`, `    action: ${entry.action}`);
    const withDefaults = entry.parameters.filter((p) => p.default !== null);
    const flow = `    params: { ${withDefaults.map((p) => `${p.name}: ${yamlValue(p.default)}`).join(", ")} }`;
    if (withDefaults.length && flow.length <= YAML_WIDTH) out.push(flow);
    else if (withDefaults.length) {
      out.push("    params:", ...withDefaults.map((p) => `      ${p.name}: ${yamlValue(p.default)}`));
    }
    for (const p of entry.parameters.filter((p) => p.default === null)) {
      out.push(...comment(`params.${p.name}: ${p.description ?? "no default"}`, "    "));
    }
  }
  return out.join("\n");
}

/** A YAML comment, wrapped at YAML_WIDTH. */
function comment(text: string, indent: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    if (current && `${indent}# ${current} ${word}`.length > YAML_WIDTH) {
      lines.push(`${indent}# ${current}`);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  lines.push(`${indent}# ${current}`);
  return lines;
}

/** A default as YAML: plain where YAML reads it back as the same string, else double-quoted (JSON). */
function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(", ")}]`;
  if (typeof value === "string") {
    const plain =
      /^[A-Za-z][A-Za-z0-9._/-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value);
    return plain ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** The begin and end markers of each generated section, by file. */
export const GENERATED = {
  readme: { begin: "<!-- rules:begin (npm run docs, from rules/kinds/) -->", end: "<!-- rules:end -->" },
  rulesYaml: {
    begin: "  # rules:begin (generated by npm run docs from rules/kinds/: edit the kinds, not these lines)",
    end: "  # rules:end",
  },
} as const;

/**
 * The text with what stands between its markers replaced by the generated content; an error naming the
 * file when a marker is missing (a generator that silently wrote nothing would pass its staleness test).
 */
export function withGenerated(
  text: string,
  markers: { begin: string; end: string },
  content: string,
  file: string,
): string {
  const begin = text.indexOf(`${markers.begin}\n`);
  const end = text.indexOf(`${markers.end}\n`, begin);
  if (begin < 0 || end < 0) {
    throw new Error(
      `${file}: the generated section's markers are missing ("${markers.begin}" ... "${markers.end}")`,
    );
  }
  return `${text.slice(0, begin)}${markers.begin}\n${content}\n${text.slice(end)}`;
}

/** The README and rules.yaml as the kinds' metadata says they should read. */
export function generatedDocs(readme: string, rulesYamlText: string): { readme: string; rulesYaml: string } {
  return {
    readme: withGenerated(readme, GENERATED.readme, `\n${ruleTableMarkdown()}\n`, "README.md"),
    rulesYaml: withGenerated(rulesYamlText, GENERATED.rulesYaml, rulesYaml(), "rules.yaml"),
  };
}
