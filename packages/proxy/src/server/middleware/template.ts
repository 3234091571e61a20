// A small subset of Go's html/template, enough for kamal-proxy error pages: {{.Field}}, {{if}}/{{else}}/{{end}},
// {{with}}, comments and trim markers, with HTML escaping. Written by hand because no JS library reads Go templates.
import { escapeHtml } from "../../pages/escape-html.js";

type Node =
  | { kind: "text"; text: string }
  | { kind: "field"; path: string[] }
  | { kind: "if"; path: string[]; body: Node[]; otherwise: Node[]; scoped: boolean };

/** A parsed template; render it with a plain object of arguments (missing fields render empty). */
export interface Template {
  readonly name: string;
  render(args: Record<string, unknown> | undefined): string;
}

/** Parse template source; throws `template: <name>:<line>: …` on anything outside the supported subset. */
export function parseTemplate(name: string, source: string): Template {
  const nodes = parseNodes(name, tokenize(name, source));
  return { name, render: (args) => renderNodes(nodes, args ?? {}) };
}

type Token = { kind: "text"; text: string } | { kind: "action"; body: string; line: number };

function tokenize(name: string, source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf("{{", pos);
    if (open === -1) {
      tokens.push({ kind: "text", text: source.slice(pos) });
      break;
    }
    const close = source.indexOf("}}", open + 2);
    const line = source.slice(0, open).split("\n").length;
    if (close === -1) throw new Error(`template: ${name}:${line}: unclosed action`);
    let text = source.slice(pos, open);
    let body = source.slice(open + 2, close);
    if (body.startsWith("- ") || body === "-") {
      text = text.replace(/\s+$/, "");
      body = body.slice(1);
    }
    let next = close + 2;
    if (body.endsWith(" -")) {
      body = body.slice(0, -1);
      const rest = source.slice(next);
      next += rest.length - rest.replace(/^\s+/, "").length;
    }
    if (text !== "") tokens.push({ kind: "text", text });
    tokens.push({ kind: "action", body: body.trim(), line });
    pos = next;
  }
  return tokens;
}

function parseNodes(name: string, tokens: Token[]): Node[] {
  let index = 0;
  const lastLine = tokens.reduce((line, token) => (token.kind === "action" ? token.line : line), 1);
  const fail = (line: number, message: string) => new Error(`template: ${name}:${line}: ${message}`);

  const parseBlock = (terminators: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (index < tokens.length) {
      const token = tokens[index++]!;
      if (token.kind === "text") {
        nodes.push(token);
        continue;
      }
      const body = token.body;
      if (body.startsWith("/*")) {
        if (!body.endsWith("*/")) throw fail(token.line, "unclosed comment");
        continue;
      }
      const [keyword = "", ...rest] = body.split(/\s+/);
      if (keyword === "end" || keyword === "else") {
        if (!terminators.includes(keyword)) throw fail(token.line, `unexpected {{${keyword}}}`);
        if (keyword === "else" && rest.length > 0) {
          if (rest[0] !== "if") throw fail(token.line, `unsupported action {{${body}}}`);
          return { nodes, end: `else-if ${rest.slice(1).join(" ")}` };
        }
        return { nodes, end: keyword };
      }
      if (keyword === "if" || keyword === "with") {
        nodes.push(parseConditional(rest.join(" "), keyword === "with", token.line));
        continue;
      }
      nodes.push({ kind: "field", path: parsePath(body, token.line) });
    }
    if (terminators.length > 0) throw fail(lastLine, "unexpected EOF");
    return { nodes, end: "" };
  };

  const parseConditional = (pipeline: string, scoped: boolean, line: number): Node => {
    const path = parsePath(pipeline, line);
    const then = parseBlock(["else", "end"]);
    let otherwise: Node[] = [];
    if (then.end === "else") {
      otherwise = parseBlock(["end"]).nodes;
    } else if (then.end.startsWith("else-if ")) {
      otherwise = [parseConditional(then.end.slice("else-if ".length), false, line)];
    }
    return { kind: "if", path, body: then.nodes, otherwise, scoped };
  };

  const parsePath = (expr: string, line: number): string[] => {
    if (expr === ".") return [];
    if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(expr)) throw fail(line, `unsupported action {{${expr}}}`);
    return expr.slice(1).split(".");
  };

  return parseBlock([]).nodes;
}

function renderNodes(nodes: Node[], data: unknown): string {
  let out = "";
  for (const node of nodes) {
    if (node.kind === "text") out += node.text;
    else if (node.kind === "field") out += escapeHtml(stringify(lookup(data, node.path)));
    else {
      const value = lookup(data, node.path);
      out += truthy(value) ? renderNodes(node.body, node.scoped ? value : data) : renderNodes(node.otherwise, data);
    }
  }
  return out;
}

function lookup(data: unknown, path: string[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function stringify(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}
