import { loadConfigWith, parseConfigWith } from "../config/load.js";
import { type Config, configSchemaFor } from "../config/schema.js";
import { RULE_KINDS } from "./catalogue.js";

/** rules.yaml's schema with this catalogue's rule kinds: a rule entry's kind and parameters are checked. */
export const configSchema = configSchemaFor(RULE_KINDS);

/** Loads rules.yaml (see config/load.ts), its rules checked against the catalogue. */
export function loadConfig(path: string | undefined): Config {
  return loadConfigWith(configSchema, path);
}

export function parseConfig(text: string, file: string): Config {
  return parseConfigWith(configSchema, text, file);
}
