import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { toJson } from "../../../core/json.js";
import { renderText } from "../message.js";
import { type ChannelType, DeliveryError } from "./channel.js";

/** A team name as a file name: anything but letters, digits, dot, dash and underscore becomes "_". */
const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_") || "_";

/** 2024-10-15T08:00:00.123Z → 20241015T080000123Z: sorts by time, no colons (Windows, URLs). */
const stamp = (date: Date) => date.toISOString().replace(/[-:.]/g, "");

/**
 * A directory that receives each message as two files, `<team>-<time>.md` (the text, for people) and
 * `<team>-<time>.json` (the document a webhook would receive, for programs), and its attachments, if
 * any, as `<team>-<time>-<file name>`. Every file is written under a temporary name and renamed, the
 * .json last: a program watching for .json files never reads half a message, and finds the rest beside
 * it. The time is when the file was written; a second message in the same millisecond gets -2, -3, ...
 */
export const outbox: ChannelType<{ dir: string }> = {
  kind: "outbox",
  label: (options) => `outbox(${options.dir})`,
  open(options) {
    const dir = resolve(options.dir);
    return {
      async send(message) {
        try {
          await mkdir(dir, { recursive: true });
          let base = join(dir, `${safe(message.team)}-${stamp(new Date())}`);
          for (let n = 2; existsSync(`${base}.json`) || existsSync(`${base}.md`); n++) {
            base = `${base.replace(/-\d+$/, "")}-${n}`;
          }
          const files: [path: string, content: string][] = [
            ...(message.attachments ?? []).map(
              (a) => [`${base}-${safe(a.filename)}`, a.content] as [string, string],
            ),
            [`${base}.md`, renderText(message)],
            [`${base}.json`, `${toJson(message.document)}\n`],
          ];
          for (const [path, content] of files) {
            await writeFile(`${path}.tmp`, content);
            await rename(`${path}.tmp`, path);
          }
        } catch (error) {
          throw new DeliveryError(`cannot write to ${dir}: ${(error as Error).message}`, true);
        }
      },
    };
  },
};
