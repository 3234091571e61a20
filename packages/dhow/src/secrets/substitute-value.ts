/**
 * @module
 * The substitutions dotenv 3 applies to unquoted and double-quoted values, as Kamal configures them:
 * `$(command)` (Kamal's InlineCommandSubstitution: nested and backslash-escaped parentheses, variables expanded
 * inside the command first) and `$VAR` / `${VAR}` (dotenv's Variable substitution, `\$` escapes).
 *
 * One deliberate difference from Kamal 2.12: the output of a `$(…)` command is inserted literally. Kamal runs the
 * variable pass after the command pass, so a secret containing `$word` came back with that part replaced by an
 * empty string (basecamp/kamal PR #1911, open upstream); dhow keeps the value intact, as a shell would.
 */

/** Hooks the substitution needs from its caller. */
export interface SubstituteOptions {
  /** The value of `$NAME`: earlier keys of the same file, then the process env; undefined means empty. */
  lookup(name: string): string | undefined;
  /** Runs a `$(…)` command. `command` has its variables expanded; `written` is the text as in the file. */
  runCommand(command: string, written: string): string;
}

/** Applies command and variable substitution to one value (after quotes and escapes were handled). */
export function substituteValue(value: string, options: SubstituteOptions): string {
  let out = "";
  let plainStart = 0;
  let i = 0;
  const flush = (end: number): void => {
    out += substituteVariables(value.slice(plainStart, end), options.lookup);
  };
  while (i < value.length) {
    const c = value[i];
    if (c === "\\" && value[i + 1] === "$" && value[i + 2] === "(") {
      const end = matchParentheses(value, i + 2);
      if (end > 0) {
        // An escaped command is kept (without the backslash); its variables are still expanded, as in Kamal.
        flush(i);
        out += substituteVariables(value.slice(i + 1, end), options.lookup);
        i = plainStart = end;
        continue;
      }
    } else if (c === "$" && value[i + 1] === "(") {
      const end = matchParentheses(value, i + 1);
      if (end > 0) {
        flush(i);
        const written = value.slice(i + 2, end - 1);
        out += options.runCommand(substituteVariables(written, options.lookup), written);
        i = plainStart = end;
        continue;
      }
    }
    i++;
  }
  flush(value.length);
  return out;
}

/**
 * dotenv's `Dotenv::Substitutions::Variable`: `$NAME`, `${NAME}` (letters, digits, `_`, any case), `\$NAME` kept
 * literally without the backslash, `$(` never a variable, a bare `$` kept.
 */
export function substituteVariables(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(/(\\)?(\$)(?!\()\{?([A-Z0-9_]+)?\}?/gi, (match, backslash, _dollar, name) => {
    if (backslash === "\\") return match.slice(1);
    if (name !== undefined) return lookup(name) ?? "";
    return match;
  });
}

/**
 * Kamal's INTERPOLATED_SHELL_COMMAND body: from the `(` at `open`, any mix of `\x` escapes (not before a newline),
 * characters other than `()\`, and balanced `( … )` groups, at least one, then `)`.
 * Returns the index after the closing parenthesis, or -1 when there is no such match.
 */
export function matchParentheses(text: string, open: number): number {
  let j = open + 1;
  let items = 0;
  while (j < text.length) {
    const c = text[j];
    if (c === "\\") {
      if (j + 1 < text.length && text[j + 1] !== "\n") {
        j += 2;
        items++;
        continue;
      }
      return -1;
    }
    if (c === "(") {
      const end = matchParentheses(text, j);
      if (end < 0) return -1;
      j = end;
      items++;
      continue;
    }
    if (c === ")") return items > 0 ? j + 1 : -1;
    j++;
    items++;
  }
  return -1;
}
