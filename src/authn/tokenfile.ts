// --token-auth-file: a CSV of static bearer tokens, `token,user,uid[,"group1,group2"]`.
import { readFileSync } from "node:fs";
import { timingSafeEqual } from "node:crypto";
import { readCSVRecord } from "../cmd/flags-values.js";
import type { TokenAuthenticator, TokenResponse, UserInfo } from "./types.js";

export class StaticTokenAuthenticator implements TokenAuthenticator {
  constructor(private readonly tokens: Map<string, UserInfo>) {}

  static fromFile(path: string, warn: (msg: string) => void = () => {}): StaticTokenAuthenticator {
    return new StaticTokenAuthenticator(parseTokenFile(readFileSync(path, "utf8"), path, warn));
  }

  async authenticateToken(token: string): Promise<TokenResponse | undefined> {
    const user = this.tokens.get(token);
    if (!user) return undefined;
    return { user: { ...user, groups: [...user.groups] } };
  }
}

/** Parses the token file as kube-apiserver does; throws on a record with fewer than 3 columns. */
export function parseTokenFile(text: string, path: string, warn: (msg: string) => void): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  let recordNum = 0;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "" ) continue; // encoding/csv skips empty lines
    let record: string[];
    try {
      record = readCSVRecord(lines[i]);
    } catch (e) {
      throw new Error(`record on line ${i + 1}: ${(e as Error).message.replace(/^parse error on line 1, /, "")}`);
    }
    if (record.length < 3) {
      throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    }
    recordNum++;
    if (record[0] === "") {
      warn(`empty token has been found in token file '${path}', line: ${recordNum}`);
      continue;
    }
    if (tokens.has(record[0])) warn(`duplicate token has been found in token file '${path}', line: ${recordNum}`);
    const user: UserInfo = { name: record[1], groups: record.length >= 4 ? record[3].split(",") : [] };
    if (record[2]) user.uid = record[2];
    tokens.set(record[0], user);
  }
  return tokens;
}

/** Constant-time comparison of two secrets of possibly different lengths. */
export function secretsEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
