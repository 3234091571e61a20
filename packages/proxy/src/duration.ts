// Go-style durations ("30s", "1m30s", "500ms"): parsing for CLI flags and formatting for messages.

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parse a Go duration string into milliseconds; throws `time: invalid duration "x"` like Go's time.ParseDuration. */
export function parseDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw invalid();
  let nanos = 0;
  const part = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match) throw invalid();
    const [whole, intPart = "", fracPart, unit = ""] = match;
    if (intPart === "" && (fracPart === undefined || fracPart === "")) throw invalid();
    const scale = UNIT_NANOS[unit];
    if (scale === undefined)
      throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`);
    const value = Number(`${intPart || "0"}.${fracPart || "0"}`);
    nanos += value * scale;
    rest = rest.slice(whole.length);
  }
  return (sign * Math.round(nanos)) / 1e6;
}

/** Format milliseconds the way Go's time.Duration.String does ("30s", "1m30s", "500ms", "1h0m0s"). */
export function formatDuration(ms: number): string {
  let nanos = Math.round(ms * 1e6);
  if (nanos === 0) return "0s";
  const negative = nanos < 0;
  if (negative) nanos = -nanos;
  let text: string;
  if (nanos < 1e9) {
    if (nanos < 1e3) text = `${nanos}ns`;
    else if (nanos < 1e6) text = `${trimFraction(nanos / 1e3)}µs`;
    else text = `${trimFraction(nanos / 1e6)}ms`;
  } else {
    const hours = Math.floor(nanos / 3600e9);
    const minutes = Math.floor((nanos % 3600e9) / 60e9);
    const seconds = trimFraction((nanos % 60e9) / 1e9);
    if (hours > 0) text = `${hours}h${minutes}m${seconds}s`;
    else if (minutes > 0) text = `${minutes}m${seconds}s`;
    else text = `${seconds}s`;
  }
  return negative ? `-${text}` : text;
}

function trimFraction(value: number): string {
  return String(Number(value.toFixed(9)));
}
