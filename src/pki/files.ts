// Small filesystem helpers shared by the PKI writers.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname, basename, join } from "node:path";

/** Mode for private keys and kubeconfigs (they hold credentials). */
export const SECRET_FILE_MODE = 0o600;
/** Mode for certificates and CA bundles (public material). */
export const PUBLIC_FILE_MODE = 0o644;

/**
 * Writes a file so that readers see either the old content or the new, never a torn
 * one: write a sibling temp file with the final mode, fsync it, rename over the target.
 * A crash mid-way leaves at most a stray temp file, and a restart never loads half a key.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  // "wx": never follow or reuse an existing file; mode applies because the file is new.
  const fh = await open(tmp, "wx", mode);
  try {
    await fh.writeFile(data);
    // umask can only clear bits, but be explicit so the final mode is exactly `mode`.
    await fh.chmod(mode);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** Reads a UTF-8 file, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
