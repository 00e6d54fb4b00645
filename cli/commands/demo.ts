import { Command } from "commander";

export function demoCommand(): Command {
  return new Command("demo")
    .description("build a demo database from the bundled sample estate")
    .option("--no-serve");
}
