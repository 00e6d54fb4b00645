import { loadConfigWith, parseConfigWith } from "../config/load.js";
import { type Config, configSchemaFor } from "../config/schema.js";
import { RULE_KINDS } from "./catalogue.js";

/** rules.yaml's schema with this catalogue's rule kinds: a rule entry's kind and parameters are checked. */
export const configSchema = configSchemaFor(RULE_KINDS);

/**
 * Each rule's title: its own (rules.yaml `title`), else its kind's. Filled into the loaded config (the same
 * object: where its values stand in the file stays known), so that what is handed the config (the web
 * view) labels rules by their titles without knowing the catalogue.
 */
export function withRuleTitles(config: Config): Config {
  for (const rule of config.rules) rule.title ??= RULE_KINDS.get(rule.kind ?? rule.id)?.title;
  return config;
}

/** Loads rules.yaml (see config/load.ts), its rules checked against the catalogue. */
export function loadConfig(path: string | undefined): Config {
  return withRuleTitles(loadConfigWith(configSchema, path));
}

export function parseConfig(text: string, file: string): Config {
  return withRuleTitles(parseConfigWith(configSchema, text, file));
}
