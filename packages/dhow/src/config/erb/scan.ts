/**
 * @module
 * Splits an ERB template into literal text and tags exactly as Ruby's `ERB.new(src, trim_mode: "-")`
 * does (ERB::Compiler with its explicit-trim scanner): `<%-` at the start of a line drops the indentation
 * before it, `-%>` followed by a newline closes a tag and drops that newline (outside a tag it is plain
 * text), `<%%` is a literal `<%`, `%%>` inside a tag is a literal `%>`, `<%# %>` is a comment. Only the scanning is done here; eval.ts runs the tags.
 */

/** A run of literal output text, with the template offset it starts at. */
export interface ErbText {
  readonly kind: "text";
  readonly text: string;
  readonly src: number;
}

/** A tag: `<% code %>`, `<%= insert %>` or `<%# comment %>`, with the offset of its `<%`. */
export interface ErbTag {
  readonly kind: "code" | "insert" | "comment";
  readonly code: string;
  readonly src: number;
}

/** Scanned template parts, in order. */
export type ErbPart = ErbText | ErbTag;

/** The result of scanning: the parts, and whether a tag was left open at the end (Ruby fails on that). */
export interface ErbScan {
  readonly parts: readonly ErbPart[];
  readonly unclosedTagAt: number | undefined;
}

const DELIMITERS = ["<%-", "<%%", "%%>", "<%=", "<%#", "<%", "-%>\n", "-%>", "%>"] as const;

/** True if the template contains any ERB tag at all (fast path: most files have none). */
export function hasErb(template: string): boolean {
  return template.includes("<%");
}

/** Scans `template` the way Ruby's ERB compiler does with trim_mode "-". */
export function scanErb(template: string): ErbScan {
  const parts: ErbPart[] = [];
  let stag: "<%" | "<%=" | "<%#" | undefined;
  let tagStart = 0;
  let tagContent = "";

  const emitText = (text: string, src: number) => {
    if (text !== "") parts.push({ kind: "text", text, src });
  };
  const handle = (token: string, start: number, isCr = false) => {
    if (stag === undefined) {
      if (isCr) return;
      if (token === "<%" || token === "<%=" || token === "<%#") {
        stag = token;
        tagStart = start;
        tagContent = "";
      } else if (token === "<%%") {
        emitText("<%", start);
      } else {
        emitText(token, start);
      }
      return;
    }
    if (token === "%>") {
      const kind = stag === "<%=" ? "insert" : stag === "<%#" ? "comment" : "code";
      parts.push({ kind, code: tagContent, src: tagStart });
      stag = undefined;
    } else if (token === "%%>") {
      tagContent += "%>";
    } else {
      tagContent += token;
    }
  };

  let pos = 0;
  const length = template.length;
  for (;;) {
    const { at, delimiter } = nextDelimiter(template, pos);
    if (at > pos) handle(template.slice(pos, at), pos);
    if (delimiter === "") break;
    if (stag === undefined && /[ \t]*<%-/.test(delimiter)) {
      handle("<%", at + delimiter.indexOf("<"));
    } else if (stag === undefined && delimiter.startsWith("-%>")) {
      handle(delimiter, at);
    } else if (delimiter === "-%>\n") {
      handle("%>", at + 1);
      handle("\n", at + 3, true);
    } else if (delimiter === "-%>") {
      handle("%>", at + 1);
    } else {
      handle(delimiter, at);
    }
    pos = at + delimiter.length;
    if (pos >= length) break;
  }
  return { parts, unclosedTagAt: stag === undefined ? undefined : tagStart };
}

/** Finds the earliest delimiter at or after `from`, trying alternatives in Ruby's regex order. */
function nextDelimiter(template: string, from: number): { at: number; delimiter: string } {
  const length = template.length;
  for (let at = from; at < length; at++) {
    const char = template.charCodeAt(at);
    const atLineStart = at === 0 || template.charCodeAt(at - 1) === 10;
    if (atLineStart && (char === 32 || char === 9 || char === 60)) {
      let index = at;
      while (index < length && (template[index] === " " || template[index] === "\t")) index++;
      if (template.startsWith("<%-", index)) return { at, delimiter: template.slice(at, index + 3) };
    }
    if (char !== 60 && char !== 37 && char !== 45) continue; // '<', '%', '-'
    for (const delimiter of DELIMITERS) {
      if (template.startsWith(delimiter, at)) return { at, delimiter };
    }
  }
  return { at: length, delimiter: "" };
}
