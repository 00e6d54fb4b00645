import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileNameProblem } from "./output-files.js";

/** A file a server sent that this CLI will not write: the whole answer is refused. */
export class RefusedFile extends Error {}

/**
 * The files a server's command sent to this CLI (a report's), written into this machine's folder: the
 * caller's --out, else its own rules.yaml report.out. Each is written beside its place as it arrives and
 * renamed into place only once the answer has ended well (commit): a broken or refused answer leaves
 * neither a half file nor some of its files (discard).
 */
export class ReceivedFiles {
  private folder: string | undefined;
  /** Name -> its temporary file, in arrival order. */
  private readonly pending = new Map<string, string>();

  /** `folder`: the folder the files go into, asked for when the first file comes. */
  constructor(private readonly folderFor: () => string) {}

  /** Writes a file sent as `name` with base64 `content`, to be put in place by commit(). */
  receive(name: unknown, content: unknown): void {
    const problem = fileNameProblem(name);
    if (problem) {
      throw new RefusedFile(
        `a file named ${JSON.stringify(name)}, which is not a plain file name (${problem})`,
      );
    }
    if (typeof content !== "string") throw new RefusedFile(`the file ${name} without its content`);
    const temporary = `${this.pathOf(name as string, true)}.${process.pid}.partial`;
    mkdirSync(this.folder as string, { recursive: true });
    writeFileSync(temporary, Buffer.from(content, "base64"));
    this.pending.set(name as string, temporary);
  }

  /**
   * Where the file sent as `name` is on this machine: what a local run prints (the folder as given,
   * joined as reports/weekly/write.ts joins it). `sending`: the file is being received now.
   */
  pathOf(name: string, sending = false): string {
    if (!sending && !this.pending.has(name))
      throw new RefusedFile(`the path of ${name}, a file it did not send`);
    this.folder ??= this.folderFor();
    return join(this.folder, name);
  }

  /** Puts every received file in place. */
  commit(): void {
    for (const [name, temporary] of this.pending) renameSync(temporary, this.pathOf(name));
    this.pending.clear();
  }

  /** Removes every received file not put in place. */
  discard(): void {
    for (const temporary of this.pending.values()) rmSync(temporary, { force: true });
    this.pending.clear();
  }
}
