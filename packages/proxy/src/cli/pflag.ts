// Go pflag conventions on top of commander: `--bool=false`, Go durations, ints and cobra-style error messages.
// commander parses `--a=b`, `--a b` and repeated options; what it lacks is pflag's boolean `=value` form.
import { parseDuration } from "../duration.js";

/** A usage error printed as `Error: <message>` with exit status 1. */
export class UsageError extends Error {
  override name = "UsageError";
}

const TRUE_VALUES = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_VALUES = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/**
 * Rewrite pflag boolean forms commander does not know: `--tls=true` → `--tls`, `--tls=false` → `--no-tls`.
 * Anything after `--` is left alone.
 */
export function normalizeBooleanFlags(args: readonly string[], booleanFlags: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let passthrough = false;
  for (const arg of args) {
    if (passthrough || !arg.startsWith("--") || !arg.includes("=")) {
      if (arg === "--") passthrough = true;
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq);
    const value = arg.slice(eq + 1);
    if (!booleanFlags.has(name)) {
      out.push(arg);
      continue;
    }
    if (TRUE_VALUES.has(value)) out.push(`--${name}`);
    else if (FALSE_VALUES.has(value)) out.push(`--no-${name}`);
    else {
      throw new UsageError(
        `invalid argument ${JSON.stringify(value)} for "--${name}" flag: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`,
      );
    }
  }
  return out;
}

/** Collect a pflag StringSlice: comma-separated values, repeatable (commander's custom-parser accumulator). */
export function collectSlice(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...splitCsv(value)];
}

/** Split like pflag's StringSlice (a CSV record: commas separate, double quotes group). */
export function splitCsv(value: string): string[] {
  if (value === "") return [];
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') {
      if (quoted && value[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === "," && !quoted) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** A duration flag value in milliseconds, with pflag's error wording. */
export function durationFlag(name: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new UsageError(`invalid argument ${JSON.stringify(value)} for "--${name}" flag: ${(error as Error).message}`);
  }
}

/** An integer flag value, with pflag's error wording. */
export function intFlag(name: string, value: string): number {
  const text = value.trim();
  if (!/^[-+]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/.test(text)) {
    throw new UsageError(
      `invalid argument ${JSON.stringify(value)} for "--${name}" flag: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`,
    );
  }
  const negative = text.startsWith("-");
  const digits = text.replace(/^[-+]/, "");
  let parsed: number;
  if (/^0[xX]/.test(digits)) parsed = Number.parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) parsed = Number.parseInt(digits.slice(2), 2);
  else if (/^0[oO]/.test(digits)) parsed = Number.parseInt(digits.slice(2), 8);
  else if (/^0[0-7]+$/.test(digits)) parsed = Number.parseInt(digits.slice(1), 8);
  else parsed = Number(digits);
  return negative ? -parsed : parsed;
}
