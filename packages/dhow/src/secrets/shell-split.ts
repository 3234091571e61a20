/**
 * @module
 * Ruby's `Shellwords.split`, used by Kamal to turn an inline `$(kamal secrets …)` command into argv. Written by
 * hand because the quoting rules must be Ruby's, not a shell's (e.g. backslash-newline is kept).
 */
import { SecretsError } from "../errors.js";

/** Splits a command line into words with Ruby `Shellwords.split` semantics. Errors never echo the line. */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let field = "";
  let i = 0;
  while (true) {
    while (i < line.length && isSpace(line[i]!)) i++;
    if (i >= line.length) break;
    const c = line[i]!;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0 || line.slice(i + 1, close).includes("\0")) throw unmatched(i);
      field += line.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === "\0") throw unmatched(i);
        if (line[j] === "\\") {
          if (j + 1 >= line.length || line[j + 1] === "\0") throw unmatched(i);
          j += 2;
        } else j++;
      }
      if (j >= line.length) throw unmatched(i);
      field += line.slice(i + 1, j).replace(/\\([$`"\\\n])/g, "$1");
      i = j + 1;
    } else if (c === "\\") {
      const next = line[i + 1];
      const escaped = next === undefined || next === "\0" ? "\\" : `\\${next}`;
      // Ruby: esc.gsub(/\\(.)/, '\1'); `.` does not match a newline, so backslash-newline stays as it is.
      field += escaped.replace(/\\([^\n])/, "$1");
      i += escaped.length;
    } else if (c === "\0") {
      throw new SecretsError(`Nul character at ${i} in a secrets command`);
    } else {
      let j = i;
      while (j < line.length && !isSpace(line[j]!) && !"\\'\"\0".includes(line[j]!)) j++;
      field += line.slice(i, j);
      i = j;
    }
    if (i >= line.length || isSpace(line[i]!)) {
      words.push(field);
      field = "";
      if (i < line.length) i++;
    }
  }
  return words;
}

/** Ruby's `\s`: ASCII whitespace only. */
function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";
}

function unmatched(position: number): SecretsError {
  return new SecretsError(`Unmatched quote at ${position} in a secrets command`);
}
