import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { UsageError } from "../../core/errors.js";

/** True when the file starts with the gzip magic bytes, whatever its name says. */
export async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Fails unless a gzip file is whole: every member decompresses and matches its CRC-32 and length
 * trailer. DuckDB reads a gzip stream cut short at a row boundary without complaint, and the rows it
 * did get would then replace the whole month; node's gunzip checks each trailer and fails on a missing
 * one. The data is decompressed to nowhere: this costs one extra read of the file, not its size in memory.
 */
export async function checkGzipIntegrity(path: string, label: string): Promise<void> {
  if (!(await isGzip(path))) return;
  const sink = new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), sink);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `${label}: the gzip file is damaged or cut short (${reason}): nothing was loaded; download or export it again`,
    );
  }
}

/**
 * The first line of a CSV as text decodes it: a UTF-16 file (a BOM read as two replacement characters,
 * or ASCII interleaved with NUL bytes) is named as such instead of failing as an "Invalid Opening Quote".
 */
export function utf16Problem(firstLine: string, label: string): UsageError | undefined {
  if (!firstLine.startsWith("\uFFFD\uFFFD") && !firstLine.includes("\u0000")) return undefined;
  return new UsageError(
    `${label}: the file is UTF-16, and billing files must be UTF-8: convert it with iconv -f utf-16 -t utf-8`,
  );
}
