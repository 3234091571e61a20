/**
 * @module
 * dhow's built-in ERB evaluator for the forms real deploy.yml files use, so that most files need no Ruby:
 * `ENV["X"]`, `ENV['X']`, `ENV.fetch("X")` (KeyError when unset), `ENV.fetch("X", default)` (defaults may
 * nest; arguments are evaluated eagerly, as in Ruby), `ENV.fetch("X") { default }` and `{ raise "msg" }`,
 * `ENV.key?("X")`, string/integer/nil/true/false literals, `||`, `&&`, `!`, `==`, `!=`, parentheses,
 * the methods `strip`, `to_s`, `to_i`, `inspect` (printable ASCII), `nil?`, `empty?` and ActiveSupport's
 * `present?`, `blank?`, `presence` (Kamal runs ERB with ActiveSupport loaded), and `if`/`unless`/`elsif`/
 * `else`/`end` tags.
 *
 * Anything else is reported as unsupported (with its line and text) and the caller renders the whole file
 * with the system `ruby` instead, so a construct is either evaluated exactly as Ruby would or not at all.
 * Unsupported pieces that are never reached (the right side of a `||` whose left side is set, a branch
 * not taken) do not force Ruby. Hand-written: no JS library evaluates Ruby expressions.
 */
import { type ErbPart, scanErb } from "./scan.js";
import { isBlank, isTruthy, rubyEqual, rubyInspect, rubyStrip, rubyToI, rubyToS } from "../../ruby.js";
import type { OutputSegment } from "../load/template-map.js";

/** A Ruby exception raised while rendering (KeyError from ENV.fetch, RuntimeError from raise, …). */
export class ErbRuntimeError extends Error {
  constructor(
    message: string,
    readonly rubyClass: string,
    readonly src: number,
  ) {
    super(message);
  }
}

/** Output of a successful built-in render. */
export interface BuiltinRendered {
  readonly ok: true;
  readonly output: string;
  readonly segments: readonly OutputSegment[];
}

/** The template uses something the built-in evaluator does not do; `src` is the tag's offset. */
export interface BuiltinUnsupported {
  readonly ok: false;
  readonly src: number;
  readonly construct: string;
}

/** Renders `template` with `env`, or says which construct needs Ruby. Throws ErbRuntimeError. */
export function renderBuiltinErb(template: string, env: NodeJS.ProcessEnv): BuiltinRendered | BuiltinUnsupported {
  const scan = scanErb(template);
  if (scan.unclosedTagAt !== undefined) {
    return { ok: false, src: scan.unclosedTagAt, construct: "an unclosed ERB tag" };
  }
  const program = buildProgram(scan.parts);
  if (!program.ok) return program;
  const out = new Output();
  try {
    runBlock(program.body, env, out);
  } catch (error) {
    if (error instanceof NeedsRuby) return { ok: false, src: error.src, construct: error.construct };
    throw error;
  }
  return { ok: true, output: out.text, segments: out.segments };
}

// ---------------------------------------------------------------------------------------------------------
// Program structure (text, inserts, if/unless blocks)

type Statement =
  | { kind: "text"; text: string; src: number }
  | { kind: "insert"; expr: Expr; src: number }
  | { kind: "eval"; expr: Expr }
  | { kind: "if"; branches: { cond: Expr; body: Statement[] }[]; otherwise: Statement[] };

type Built = { ok: true; body: Statement[] } | BuiltinUnsupported;

interface OpenBlock {
  statement: Extract<Statement, { kind: "if" }>;
  current: Statement[];
  sawElse: boolean;
  isUnless: boolean;
}

function buildProgram(parts: readonly ErbPart[]): Built {
  const root: Statement[] = [];
  const stack: OpenBlock[] = [];
  const target = () => stack.at(-1)?.current ?? root;
  for (const part of parts) {
    if (part.kind === "text") {
      target().push({ kind: "text", text: part.text, src: part.src });
      continue;
    }
    if (part.kind === "comment") continue;
    const unsupported = { ok: false as const, src: part.src, construct: describeTag(part.kind, part.code) };
    if (part.kind === "insert") {
      const expr = parseExpression(part.code, part.src);
      if (!expr) return unsupported;
      target().push({ kind: "insert", expr, src: part.src });
      continue;
    }
    // Ruby compiles the text after a code tag onto the same source line, so a `#` comment on the tag's last
    // line swallows that text too. Only Ruby renders that faithfully.
    if ((part.code.split("\n").at(-1) ?? "").includes("#")) return unsupported;
    const code = stripComments(part.code);
    if (code === "") continue;
    const keyword = /^(if|unless|elsif|else|end)\b\s*(.*)$/s.exec(code);
    if (!keyword) {
      const expr = parseExpression(code, part.src);
      if (!expr) return unsupported;
      target().push({ kind: "eval", expr });
      continue;
    }
    const [, word, rest = ""] = keyword;
    const condText = rest.replace(/\s+then\s*$/, "");
    if (word === "if" || word === "unless") {
      const cond = parseExpression(condText, part.src);
      if (!cond) return unsupported;
      const body: Statement[] = [];
      const statement: Extract<Statement, { kind: "if" }> = {
        kind: "if",
        branches: [{ cond: word === "unless" ? { kind: "not", operand: cond } : cond, body }],
        otherwise: [],
      };
      target().push(statement);
      stack.push({ statement, current: body, sawElse: false, isUnless: word === "unless" });
    } else if (word === "elsif") {
      const open = stack.at(-1);
      const cond = parseExpression(condText, part.src);
      if (!open || open.sawElse || open.isUnless || !cond) return unsupported;
      const body: Statement[] = [];
      open.statement.branches.push({ cond, body });
      open.current = body;
    } else if (word === "else") {
      const open = stack.at(-1);
      if (!open || open.sawElse || rest.trim() !== "") return unsupported;
      open.sawElse = true;
      open.current = open.statement.otherwise;
    } else {
      if (!stack.pop() || rest.trim() !== "") return unsupported;
    }
  }
  const open = stack.at(-1);
  if (open) return { ok: false, src: 0, construct: "an `if` without `end`" };
  return { ok: true, body: root };
}

/** Removes Ruby `#` comment lines (a tag that is only a comment does nothing). */
function stripComments(code: string): string {
  return code
    .split("\n")
    .filter((line) => !line.trim().startsWith("#"))
    .join("\n")
    .trim();
}

function describeTag(kind: "code" | "insert", code: string): string {
  const text = code.trim().replace(/\s+/g, " ");
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return kind === "insert" ? `<%= ${short} %>` : `<% ${short} %>`;
}

// ---------------------------------------------------------------------------------------------------------
// Running

class NeedsRuby extends Error {
  constructor(
    readonly src: number,
    readonly construct: string,
  ) {
    super(construct);
  }
}

class Output {
  text = "";
  readonly segments: OutputSegment[] = [];
  add(text: string, src: number, literal: boolean): void {
    if (text === "") return;
    const outStart = this.text.length;
    this.text += text;
    this.segments.push({ outStart, outEnd: this.text.length, srcStart: src, literal });
  }
}

function runBlock(body: readonly Statement[], env: NodeJS.ProcessEnv, out: Output): void {
  for (const statement of body) {
    if (statement.kind === "text") out.add(statement.text, statement.src, true);
    else if (statement.kind === "insert") out.add(rubyToS(evaluate(statement.expr, env)), statement.src, false);
    else if (statement.kind === "eval") evaluate(statement.expr, env);
    else {
      const branch = statement.branches.find((candidate) => isTruthy(evaluate(candidate.cond, env)));
      runBlock(branch ? branch.body : statement.otherwise, env, out);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Expressions

type Expr =
  | { kind: "literal"; value: unknown }
  | { kind: "env"; name: string }
  | { kind: "fetch"; name: string; fallback?: Expr; block?: Expr; src: number }
  | { kind: "key"; name: string }
  | { kind: "raise"; message: string; src: number }
  | { kind: "or" | "and"; left: Expr; right: Expr }
  | { kind: "not"; operand: Expr }
  | { kind: "eq"; left: Expr; right: Expr; negate: boolean }
  | { kind: "call"; receiver: Expr; method: string; src: number }
  | { kind: "unsupported"; text: string; src: number };

const METHODS = new Set(["strip", "to_s", "to_i", "inspect", "nil?", "empty?", "present?", "blank?", "presence"]);

function evaluate(expr: Expr, env: NodeJS.ProcessEnv): unknown {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "env":
      return env[expr.name] ?? null;
    case "key":
      return env[expr.name] !== undefined;
    case "fetch": {
      const fallback = expr.fallback === undefined ? undefined : evaluate(expr.fallback, env);
      const value = env[expr.name];
      if (value !== undefined) return value;
      if (expr.block) return evaluate(expr.block, env);
      if (expr.fallback !== undefined) return fallback;
      throw new ErbRuntimeError(`key not found: ${JSON.stringify(expr.name)}`, "KeyError", expr.src);
    }
    case "raise":
      throw new ErbRuntimeError(expr.message, "RuntimeError", expr.src);
    case "or": {
      const left = evaluate(expr.left, env);
      return isTruthy(left) ? left : evaluate(expr.right, env);
    }
    case "and": {
      const left = evaluate(expr.left, env);
      return isTruthy(left) ? evaluate(expr.right, env) : left;
    }
    case "not":
      return !isTruthy(evaluate(expr.operand, env));
    case "eq": {
      const equal = rubyEqual(evaluate(expr.left, env), evaluate(expr.right, env));
      return expr.negate ? !equal : equal;
    }
    case "call":
      return callMethod(evaluate(expr.receiver, env), expr.method, expr.src);
    case "unsupported":
      throw new NeedsRuby(expr.src, expr.text);
  }
}

function callMethod(value: unknown, method: string, src: number): unknown {
  const noMethod = () =>
    new ErbRuntimeError(`undefined method '${method}' for ${rubyClassLabel(value)}`, "NoMethodError", src);
  switch (method) {
    case "to_s":
      return rubyToS(value);
    case "nil?":
      return value === null;
    case "present?":
      return !isBlank(value);
    case "blank?":
      return isBlank(value);
    case "presence":
      return isBlank(value) ? null : value;
    case "strip":
      if (typeof value !== "string") throw noMethod();
      return rubyStrip(value);
    case "empty?":
      if (typeof value !== "string") throw noMethod();
      return value === "";
    case "to_i":
      if (typeof value === "number" || typeof value === "bigint") return value;
      if (value === null) return 0;
      if (typeof value !== "string") throw noMethod();
      return rubyToI(value);
    case "inspect":
      return inspect(value, src);
    default:
      throw new NeedsRuby(src, `.${method}`);
  }
}

function rubyClassLabel(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number" || typeof value === "bigint") return "an instance of Integer";
  return "an instance of String";
}

/** Ruby `inspect` for values whose rendering is unambiguous; anything else needs Ruby. */
function inspect(value: unknown, src: number): string {
  if (value === null) return "nil";
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "bigint") return rubyToS(value);
  if (typeof value === "string" && /^[\x20-\x7e]*$/.test(value)) return rubyInspect(value);
  throw new NeedsRuby(src, ".inspect");
}

// ---------------------------------------------------------------------------------------------------------
// Expression parser (a small recursive-descent parser over Ruby tokens)

type Token =
  | { type: "str"; value: string; interpolated: boolean; text: string }
  | { type: "int"; value: number | bigint }
  | { type: "id"; value: string }
  | { type: "op"; value: string };

/** Parses a whole expression, or returns undefined if it is not in the supported subset. */
function parseExpression(code: string, src: number): Expr | undefined {
  const tokens = tokenize(code.trim());
  if (!tokens || tokens.length === 0) return undefined;
  const parser = new Parser(tokens, src);
  try {
    const expr = parser.or();
    return parser.done() ? expr : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly src: number,
  ) {}

  done(): boolean {
    return this.index === this.tokens.length;
  }

  or(): Expr {
    let left = this.and();
    while (this.accept("op", "||")) left = { kind: "or", left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.accept("op", "&&")) left = { kind: "and", left, right: this.not() };
    return left;
  }

  private not(): Expr {
    if (this.accept("op", "!")) return { kind: "not", operand: this.not() };
    return this.equality();
  }

  private equality(): Expr {
    const left = this.postfix();
    if (this.accept("op", "==")) return { kind: "eq", left, right: this.postfix(), negate: false };
    if (this.accept("op", "!=")) return { kind: "eq", left, right: this.postfix(), negate: true };
    return left;
  }

  private postfix(): Expr {
    let expr = this.primary();
    while (this.peekOp(".")) {
      this.index++;
      const name = this.expect("id");
      if (!METHODS.has(name)) throw new SyntaxError(name);
      expr = { kind: "call", receiver: expr, method: name, src: this.src };
    }
    return expr;
  }

  private primary(): Expr {
    const token = this.tokens[this.index++];
    if (!token) throw new SyntaxError("end");
    if (token.type === "str") {
      return token.interpolated
        ? { kind: "unsupported", text: token.text, src: this.src }
        : { kind: "literal", value: token.value };
    }
    if (token.type === "int") return { kind: "literal", value: token.value };
    if (token.type === "op" && token.value === "(") {
      const inner = this.or();
      this.expectOp(")");
      return inner;
    }
    if (token.type !== "id") throw new SyntaxError("token");
    if (token.value === "nil") return { kind: "literal", value: null };
    if (token.value === "true") return { kind: "literal", value: true };
    if (token.value === "false") return { kind: "literal", value: false };
    if (token.value === "raise") return { kind: "raise", message: this.plainString(), src: this.src };
    if (token.value !== "ENV") throw new SyntaxError(token.value);
    if (this.accept("op", "[")) {
      const name = this.plainString();
      this.expectOp("]");
      return { kind: "env", name };
    }
    this.expectOp(".");
    const method = this.expect("id");
    if (method === "key?" || method === "has_key?" || method === "include?" || method === "member?") {
      this.expectOp("(");
      const name = this.plainString();
      this.expectOp(")");
      return { kind: "key", name };
    }
    if (method !== "fetch") throw new SyntaxError(method);
    this.expectOp("(");
    const name = this.plainString();
    let fallback: Expr | undefined;
    if (this.accept("op", ",")) fallback = this.or();
    this.expectOp(")");
    let block: Expr | undefined;
    if (this.accept("op", "{")) {
      block = this.or();
      this.expectOp("}");
    }
    return {
      kind: "fetch",
      name,
      src: this.src,
      ...(fallback === undefined ? {} : { fallback }),
      ...(block === undefined ? {} : { block }),
    };
  }

  private plainString(): string {
    const token = this.tokens[this.index++];
    if (token?.type !== "str" || token.interpolated) throw new SyntaxError("string");
    return token.value;
  }

  private accept(type: "op", value: string): boolean {
    const token = this.tokens[this.index];
    if (token?.type === type && token.value === value) {
      this.index++;
      return true;
    }
    return false;
  }

  private peekOp(value: string): boolean {
    const token = this.tokens[this.index];
    return token?.type === "op" && token.value === value;
  }

  private expectOp(value: string): void {
    if (!this.accept("op", value)) throw new SyntaxError(value);
  }

  private expect(type: "id"): string {
    const token = this.tokens[this.index++];
    if (token?.type !== type) throw new SyntaxError(type);
    return token.value;
  }
}

const OPERATORS = ["||", "&&", "==", "!=", "!", "(", ")", "[", "]", ".", ",", "{", "}"];

/** Splits Ruby code into tokens; undefined for anything outside the subset (operators, symbols, …). */
function tokenize(code: string): Token[] | undefined {
  const tokens: Token[] = [];
  let index = 0;
  while (index < code.length) {
    const char = code[index]!;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (char === '"' || char === "'") {
      const string = readString(code, index);
      if (!string) return undefined;
      tokens.push(string.token);
      index = string.end;
      continue;
    }
    const number = /^\d[\d_]*(?![\w.]\d|\w)/.exec(code.slice(index));
    if (number) {
      const digits = number[0].replace(/_/g, "");
      if (/^0\d/.test(digits)) return undefined;
      const big = BigInt(digits);
      tokens.push({ type: "int", value: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big });
      index += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_]\w*[?!]?/.exec(code.slice(index));
    if (word) {
      let value = word[0];
      // `!=` right after an identifier is the operator, not a bang method (`x!= y` is rare; be safe)
      if (value.endsWith("!") && code[index + value.length] === "=") value = value.slice(0, -1);
      tokens.push({ type: "id", value });
      index += value.length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => code.startsWith(candidate, index));
    if (!operator) return undefined;
    tokens.push({ type: "op", value: operator });
    index += operator.length;
  }
  return tokens;
}

/** Reads a Ruby string literal at `start`; `#{}` in a double-quoted string marks it interpolated. */
function readString(code: string, start: number): { token: Token; end: number } | undefined {
  const quote = code[start];
  let value = "";
  let interpolated = false;
  let index = start + 1;
  while (index < code.length) {
    const char = code[index]!;
    if (char === quote) {
      return { token: { type: "str", value, interpolated, text: code.slice(start, index + 1) }, end: index + 1 };
    }
    if (char === "\\") {
      const next = code[index + 1];
      if (next === undefined) return undefined;
      if (quote === "'") {
        value += next === "'" || next === "\\" ? next : `\\${next}`;
      } else {
        const escaped = DOUBLE_QUOTE_ESCAPES[next];
        if (escaped === undefined) return undefined;
        value += escaped;
      }
      index += 2;
      continue;
    }
    if (quote === '"' && char === "#" && code[index + 1] === "{") {
      interpolated = true;
      let depth = 0;
      for (; index < code.length; index++) {
        if (code[index] === "{") depth++;
        else if (code[index] === "}" && --depth === 0) break;
      }
      if (index >= code.length) return undefined;
      index++;
      continue;
    }
    if (quote === '"' && char === "#" && (code[index + 1] === "$" || code[index + 1] === "@")) return undefined;
    value += char;
    index++;
  }
  return undefined;
}

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  s: " ",
  e: "\x1b",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  '"': '"',
  "\\": "\\",
  "#": "#",
  "'": "'",
};
