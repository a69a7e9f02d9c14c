// Booleans as Go and kube-apiserver read them from strings.

import { goQuote } from "./goformat.js";

export class BoolParseError extends Error {
  constructor(readonly input: string) {
    super(`strconv.ParseBool: parsing ${goQuote(input)}: invalid syntax`);
    this.name = "BoolParseError";
  }
}

/** strconv.ParseBool, or undefined for anything it rejects. */
export function tryParseBool(s: string): boolean | undefined {
  switch (s) {
    case "1": case "t": case "T": case "TRUE": case "true": case "True":
      return true;
    case "0": case "f": case "F": case "FALSE": case "false": case "False":
      return false;
  }
  return undefined;
}

/** strconv.ParseBool: throws BoolParseError (with Go's message) for anything else. */
export function parseBool(s: string): boolean {
  const b = tryParseBool(s);
  if (b === undefined) throw new BoolParseError(s);
  return b;
}

/**
 * How kube-apiserver decodes a boolean query parameter into ListOptions, DeleteOptions
 * and the like (runtime.Convert_Slice_string_To_bool): absent, "0" or any case of
 * "false" is false; every other value — "", "True", "yes", "f" — is true.
 * Only the first value of a repeated parameter counts.
 */
export function queryParamBool(values: string | readonly string[] | null | undefined): boolean {
  const v = typeof values === "string" ? values : values?.[0];
  if (v === undefined || v === null) return false;
  const lower = v.toLowerCase();
  return !(lower === "false" || lower === "0");
}
