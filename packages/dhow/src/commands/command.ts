/**
 * @module
 * Commands are data: nested arrays of tokens, joined with single spaces only when rendered (Kamal's
 * `Array#join(" ")`). A token is a plain string, a `Sensitive` value (rendered for what runs, redacted
 * for what is logged) or an `Operator` (`&&`, `;`, `|`, `||`, `>>`, `>`). This file holds the shared
 * vocabulary of Kamal's `Commands::Base` and `Kamal::Utils`: combinators, `docker(...)`, `argumentize`,
 * `optionize` and the shell escaping they use.
 */
import { Sensitive } from "../sensitive.js";

export { isPresent, isTruthy, rubyDump, rubyToS } from "../ruby.js";
export {
  type Attributes,
  argumentize,
  escapeShellValue,
  type Options,
  optionize,
  singleQuote,
} from "../shell-escape.js";

/** A shell operator between two commands. */
export interface Operator {
  readonly operator: "&&" | ";" | "|" | "||" | ">>" | ">";
}

/** One word of a command line. */
export type Token = string | Sensitive | Operator;

/** A command: tokens and nested commands (flattened when rendered, as Kamal's arrays are). */
export type Command = readonly (Token | Command)[];

/** What builders accept where Kamal accepts anything `compact` drops: absent parts are skipped. */
export type Part = Token | Command | number | undefined | null | false;

/** A scalar a config value or argument may hold before it is turned into text. */
export type Scalar = string | number | boolean | null | undefined;

/** The operator token for a combinator symbol. */
export function operator(symbol: Operator["operator"]): Operator {
  return OPERATORS[symbol];
}

/** Type guard for operator tokens. */
export function isOperator(value: unknown): value is Operator {
  return typeof value === "object" && value !== null && !(value instanceof Sensitive) && "operator" in value;
}

/** Builds a command from parts, dropping absent ones (Ruby's `compact`) and turning numbers into text. */
export function cmd(...parts: readonly Part[]): Command {
  const out: (Token | Command)[] = [];
  for (const part of parts) {
    if (part === undefined || part === null || part === false) continue;
    out.push(typeof part === "number" ? String(part) : part);
  }
  return out;
}

/** Every token of a command, in order, with nesting removed. */
export function flatten(command: Command | Token): Token[] {
  if (!Array.isArray(command)) return [command as Token];
  const out: Token[] = [];
  for (const part of command as Command) {
    if (Array.isArray(part)) out.push(...flatten(part as Command));
    else out.push(part as Token);
  }
  return out;
}

/** Joins commands with `by` between them (Kamal's `combine`); absent commands are skipped. */
export function combine(
  commands: readonly (Command | Token | undefined | null | false)[],
  by: Operator["operator"] = "&&",
): Command {
  const out: (Token | Command)[] = [];
  for (const command of commands) {
    if (command === undefined || command === null || command === false) continue;
    if (out.length > 0) out.push(operator(by));
    if (Array.isArray(command)) out.push(...flatten(command as Command));
    else out.push(command as Token);
  }
  return out;
}

/** `a ; b` */
export function chain(...commands: readonly (Command | Token | undefined | null | false)[]): Command {
  return combine(commands, ";");
}

/** `a | b` */
export function pipe(...commands: readonly (Command | Token | undefined | null | false)[]): Command {
  return combine(commands, "|");
}

/** `a || b` */
export function any(...commands: readonly (Command | Token | undefined | null | false)[]): Command {
  return combine(commands, "||");
}

/** `a >> b` */
export function append(...commands: readonly (Command | Token | undefined | null | false)[]): Command {
  return combine(commands, ">>");
}

/** `a > b` */
export function write(...commands: readonly (Command | Token | undefined | null | false)[]): Command {
  return combine(commands, ">");
}

/** `docker <args>` with absent args dropped. */
export function docker(...args: readonly Part[]): Command {
  return cmd("docker", ...args);
}

/** `xargs <command>` */
export function xargs(command: Command): Command {
  return ["xargs", ...flatten(command)];
}

/** `$(<commands>)` as one token (Kamal's `substitute`). */
export function substitute(...commands: readonly Command[]): string {
  return `$(${commands.map((command) => renderText(command)).join(" ")})`;
}

/**
 * `sh -c '<command>'`, single quotes inside escaped as `'\''` (Kamal's `shell`). A command holding a
 * secret gives a Sensitive token whose redaction is the redacted command.
 */
export function shell(command: Command): Command {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const tokens = flatten(command);
  const rendered = quote(joinTokens(tokens, revealToken));
  if (tokens.some((token) => token instanceof Sensitive)) {
    return ["sh", "-c", new Sensitive(rendered, quote(joinTokens(tokens, redactToken)))];
  }
  return ["sh", "-c", rendered];
}

/** The command line that runs: tokens joined by single spaces, secrets revealed. */
export function render(command: Command | Token): string {
  return joinTokens(flatten(command), revealToken);
}

/** The command line for logs and errors: like `render`, with secrets replaced by their redaction. */
export function redact(command: Command | Token): string {
  return joinTokens(flatten(command), redactToken);
}

/** Each token's real text (Kamal's array, as strings). */
export function tokenStrings(command: Command): string[] {
  return flatten(command).map(revealToken);
}

const OPERATORS: Readonly<Record<Operator["operator"], Operator>> = {
  "&&": Object.freeze({ operator: "&&" }),
  ";": Object.freeze({ operator: ";" }),
  "|": Object.freeze({ operator: "|" }),
  "||": Object.freeze({ operator: "||" }),
  ">>": Object.freeze({ operator: ">>" }),
  ">": Object.freeze({ operator: ">" }),
};

function revealToken(token: Token): string {
  if (token instanceof Sensitive) return token.reveal();
  if (typeof token === "string") return token;
  return token.operator;
}

function redactToken(token: Token): string {
  if (token instanceof Sensitive) return token.redaction;
  if (typeof token === "string") return token;
  return token.operator;
}

function joinTokens(tokens: readonly Token[], text: (token: Token) => string): string {
  return tokens.map(text).join(" ");
}

function renderText(command: Command): string {
  return joinTokens(flatten(command), revealToken);
}
