import { Command } from "commander";

export function collectCommand(): Command {
  return new Command("collect").description("collect");
}
