/**
 * @module
 * Writes one YAML document exactly as libyaml 0.2.5's emitter does with the settings Ruby's Psych uses
 * (`Psych.dump`/`to_yaml`: explicit `---`, implicit end, indent 2, width 80, unicode on, block style).
 * `kamal config` output is produced by that emitter, so byte-for-byte compatibility needs its decisions:
 * which scalar style is allowed (`analyzeScalar`), how styles fall back (plain → single → double quoted),
 * where long scalars fold at spaces past column 80, indentless sequences under mapping keys, `[]`/`{}` for
 * empty collections, `? ` keys when a key is longer than 128 bytes or spans lines. Written by hand because
 * no JavaScript YAML library reproduces libyaml's output (the `yaml` package quotes, folds and indents
 * differently). Only what Psych's dumper can ask for is implemented: no anchors, no flow collections with
 * items, no folded (`>`) scalars (Psych requests those only with an explicit `line_width`).
 */

/** The scalar styles Psych asks for; libyaml may still fall back to a quoted one. */
export type ScalarStyle = "any" | "plain" | "single-quoted" | "double-quoted" | "literal";

/** A scalar event: the text plus Psych's `tag`, `plain` and `quoted` (implicit) flags and requested style. */
export interface ScalarNode {
  readonly kind: "scalar";
  readonly value: string;
  readonly tag?: string | undefined;
  readonly plainImplicit: boolean;
  readonly quotedImplicit: boolean;
  readonly style: ScalarStyle;
}

/** A block sequence (written `[]` when empty). */
export interface SequenceNode {
  readonly kind: "sequence";
  readonly tag?: string | undefined;
  readonly items: readonly EmitterNode[];
}

/** A block mapping (written `{}` when empty); `tag` is only written when given. */
export interface MappingNode {
  readonly kind: "mapping";
  readonly tag?: string | undefined;
  readonly pairs: readonly (readonly [EmitterNode, EmitterNode])[];
}

/** One node of the document tree handed to the emitter. */
export type EmitterNode = ScalarNode | SequenceNode | MappingNode;

const BEST_INDENT = 2;
const BEST_WIDTH = 80;
/** libyaml's default %TAG handles, tried in this order to shorten a tag. */
const TAG_DIRECTIVES: readonly (readonly [string, string])[] = [
  ["!", "!"],
  ["!!", "tag:yaml.org,2002:"],
];

/** What libyaml's `yaml_emitter_analyze_scalar` decides about a scalar's text. */
export interface ScalarAnalysis {
  readonly multiline: boolean;
  readonly flowPlainAllowed: boolean;
  readonly blockPlainAllowed: boolean;
  readonly singleQuotedAllowed: boolean;
  readonly blockAllowed: boolean;
}

const isBreak = (c: number | undefined): boolean =>
  c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;
/** Blank, break, NUL, or past the end (libyaml's strings are NUL-terminated). */
const isBlankZ = (c: number | undefined): boolean => c === undefined || c === 0 || isBlank(c) || isBreak(c);
/** libyaml's `IS_PRINTABLE` on UTF-8: characters outside the BMP count as not printable. */
const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
/** libyaml's `IS_ALPHA`: the characters a tag may hold unescaped, together with TAG_PUNCTUATION. */
const isAlpha = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
const TAG_PUNCTUATION = new Set(";/?:@&=+$,_.~*'()[]".split("").map((char) => char.charCodeAt(0)));

function codePoints(text: string): number[] {
  return Array.from(text, (char) => char.codePointAt(0) ?? 0);
}

/** libyaml's scalar analysis: which styles may represent `value` without changing it. */
export function analyzeScalar(value: string): ScalarAnalysis {
  const chars = codePoints(value);
  if (chars.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  }
  let blockIndicators = value.startsWith("---") || value.startsWith("...");
  let flowIndicators = blockIndicators;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankZ(chars[1]);
  const last = chars.length - 1;
  for (let index = 0; index < chars.length; index++) {
    const c = chars[index] as number;
    const char = String.fromCodePoint(c);
    if (index === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(char)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (char === "?" || char === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (char === "-" && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (",?[]{}".includes(char)) flowIndicators = true;
      if (char === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (char === "#" && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === 0x20) {
      if (index === 0) leadingSpace = true;
      if (index === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (index === 0) leadingBreak = true;
      if (index === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
    if (index < last) followedByWhitespace = isBlankZ(chars[index + 2]);
  }
  let flowPlainAllowed = true;
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks) {
    flowPlainAllowed = false;
    blockPlainAllowed = false;
  }
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) singleQuotedAllowed = false;
  if (spaceBreak || special) {
    flowPlainAllowed = false;
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (flowIndicators) flowPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, flowPlainAllowed, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

interface Context {
  readonly mapping: boolean;
  readonly simpleKey: boolean;
}

interface Tag {
  readonly handle: string | undefined;
  readonly suffix: string;
}

/** libyaml's `yaml_emitter_analyze_tag`: a known prefix becomes its handle (`!`, `!!`). */
function shortenTag(tag: string): Tag {
  for (const [handle, prefix] of TAG_DIRECTIVES) {
    if (prefix.length < tag.length && tag.startsWith(prefix)) return { handle, suffix: tag.slice(prefix.length) };
  }
  return { handle: undefined, suffix: tag };
}

/** The written form of a node: the state libyaml keeps while writing (column, indents, whitespace flags). */
class Writer {
  private readonly out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  private openEnded = 0;

  document(root: EmitterNode): string {
    this.writeIndent();
    this.writeIndicator("---", true, false, false);
    this.node(root, { mapping: false, simpleKey: false });
    this.writeIndent();
    if (this.openEnded === 2) {
      this.writeIndicator("...", true, false, false);
      this.writeIndent();
    }
    return this.out.join("");
  }

  private node(node: EmitterNode, context: Context): void {
    if (node.kind === "scalar") {
      this.scalar(node, context);
      return;
    }
    const tag = node.tag === undefined ? undefined : shortenTag(node.tag);
    if (tag) this.processTag(tag);
    const empty = node.kind === "sequence" ? node.items.length === 0 : node.pairs.length === 0;
    if (empty) {
      this.writeIndicator(node.kind === "sequence" ? "[" : "{", true, true, false);
      this.writeIndicator(node.kind === "sequence" ? "]" : "}", false, false, false);
    } else if (node.kind === "sequence") {
      this.blockSequence(node, context);
    } else {
      this.blockMapping(node);
    }
  }

  private blockSequence(node: SequenceNode, context: Context): void {
    this.increaseIndent(false, context.mapping && !this.indention);
    for (const item of node.items) {
      this.writeIndent();
      this.writeIndicator("-", true, false, true);
      this.node(item, { mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  private blockMapping(node: MappingNode): void {
    this.increaseIndent(false, false);
    for (const [key, value] of node.pairs) {
      this.writeIndent();
      if (isSimpleKey(key)) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(":", false, false, false);
      } else {
        this.writeIndicator("?", true, false, true);
        this.node(key, { mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(":", true, false, true);
      }
      this.node(value, { mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  private scalar(node: ScalarNode, context: Context): void {
    const analysis = analyzeScalar(node.value);
    const explicitTag =
      node.tag !== undefined && !node.plainImplicit && !node.quotedImplicit ? shortenTag(node.tag) : undefined;
    let style: ScalarStyle = node.style === "any" ? "plain" : node.style;
    if (context.simpleKey && analysis.multiline) style = "double-quoted";
    if (style === "plain") {
      if (!analysis.blockPlainAllowed) style = "single-quoted";
      if (node.value.length === 0 && context.simpleKey) style = "single-quoted";
      if (!explicitTag && !node.plainImplicit) style = "single-quoted";
    }
    if (style === "single-quoted" && !analysis.singleQuotedAllowed) style = "double-quoted";
    if (style === "literal" && (!analysis.blockAllowed || context.simpleKey)) style = "double-quoted";
    let tag = explicitTag;
    if (!explicitTag && !node.quotedImplicit && style !== "plain") tag = { handle: "!", suffix: "" };
    if (tag) this.processTag(tag);
    this.increaseIndent(true, false);
    const allowBreaks = !context.simpleKey;
    if (style === "plain") this.writePlain(node.value, allowBreaks);
    else if (style === "single-quoted") this.writeSingleQuoted(node.value, allowBreaks);
    else if (style === "double-quoted") this.writeDoubleQuoted(node.value, allowBreaks);
    else this.writeLiteral(node.value);
    this.popIndent();
  }

  private processTag(tag: Tag): void {
    if (tag.handle !== undefined) {
      this.writeTagHandle(tag.handle);
      if (tag.suffix) this.writeTagContent(tag.suffix);
    } else {
      this.writeIndicator("!<", true, false, false);
      this.writeTagContent(tag.suffix);
      this.writeIndicator(">", false, false, false);
    }
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private put(text: string): void {
    this.out.push(text);
    this.column += 1;
  }

  private putBreak(): void {
    this.out.push("\n");
    this.column = 0;
  }

  /** libyaml's WRITE_BREAK: `\n` is the line break; other break characters are copied as they are. */
  private writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out.push(String.fromCodePoint(c));
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean) {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const char of indicator) this.put(char);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private writeTagHandle(handle: string): void {
    if (!this.whitespace) this.put(" ");
    for (const char of handle) this.put(char);
    this.whitespace = false;
    this.indention = false;
  }

  private writeTagContent(content: string): void {
    for (const char of content) {
      const c = char.codePointAt(0) ?? 0;
      if (isAlpha(c) || TAG_PUNCTUATION.has(c)) {
        this.put(char);
      } else {
        for (const byte of Buffer.from(char, "utf8")) {
          for (const digit of `%${byte.toString(16).toUpperCase().padStart(2, "0")}`) this.put(digit);
        }
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    const chars = codePoints(value);
    if (!this.whitespace && chars.length > 0) this.put(" ");
    let spaces = false;
    let breaks = false;
    for (let index = 0; index < chars.length; index++) {
      const c = chars[index] as number;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[index + 1] !== 0x20) this.writeIndent();
        else this.put(" ");
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(value: string, allowBreaks: boolean): void {
    const chars = codePoints(value);
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let index = 0; index < chars.length; index++) {
      const c = chars[index] as number;
      if (c === 0x20) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          index !== 0 &&
          index !== chars.length - 1 &&
          chars[index + 1] !== 0x20
        ) {
          this.writeIndent();
        } else {
          this.put(" ");
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (breaks) this.writeIndent();
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: string, allowBreaks: boolean): void {
    const chars = codePoints(value);
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    for (let index = 0; index < chars.length; index++) {
      const c = chars[index] as number;
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        for (const char of `\\${doubleQuotedEscape(c)}`) this.put(char);
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && index !== 0 && index !== chars.length - 1) {
          this.writeIndent();
          if (chars[index + 1] === 0x20) this.put("\\");
        } else {
          this.put(" ");
        }
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    const chars = codePoints(value);
    this.writeIndicator("|", true, false, false);
    this.writeBlockScalarHints(chars);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        breaks = false;
      }
    }
  }

  /** The indentation hint (text starting with a space or break) and chomping (`-` none, `+` several). */
  private writeBlockScalarHints(chars: readonly number[]): void {
    const first = chars[0];
    if (first === 0x20 || isBreak(first)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    this.openEnded = 0;
    let chomp: string | undefined;
    const last = chars.length - 1;
    if (chars.length === 0 || !isBreak(chars[last])) {
      chomp = "-";
    } else if (last === 0 || isBreak(chars[last - 1])) {
      chomp = "+";
      this.openEnded = 2;
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }
}

/** libyaml's `yaml_emitter_check_simple_key` for the nodes Psych writes as keys (length in UTF-8 bytes). */
function isSimpleKey(key: EmitterNode): boolean {
  if (key.kind === "scalar") {
    if (analyzeScalar(key.value).multiline) return false;
    const tag = key.tag !== undefined && !key.plainImplicit && !key.quotedImplicit ? shortenTag(key.tag) : undefined;
    const tagLength = tag ? Buffer.byteLength(tag.handle ?? "") + Buffer.byteLength(tag.suffix) : 0;
    return tagLength + Buffer.byteLength(key.value) <= 128;
  }
  const empty = key.kind === "sequence" ? key.items.length === 0 : key.pairs.length === 0;
  if (!empty) return false;
  const tag = key.tag === undefined ? undefined : shortenTag(key.tag);
  return (tag ? Buffer.byteLength(tag.handle ?? "") + Buffer.byteLength(tag.suffix) : 0) <= 128;
}

/** libyaml's named escapes in double-quoted scalars. */
const NAMED_ESCAPES = new Map<number, string>([
  [0x00, "0"],
  [0x07, "a"],
  [0x08, "b"],
  [0x09, "t"],
  [0x0a, "n"],
  [0x0b, "v"],
  [0x0c, "f"],
  [0x0d, "r"],
  [0x1b, "e"],
  [0x22, '"'],
  [0x5c, "\\"],
  [0x85, "N"],
  [0x2028, "L"],
  [0x2029, "P"],
]);

/** The escape libyaml writes after `\` in a double-quoted scalar. */
function doubleQuotedEscape(c: number): string {
  const name = NAMED_ESCAPES.get(c);
  if (name !== undefined) return name;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `x${hex.padStart(2, "0")}`;
  if (c <= 0xffff) return `u${hex.padStart(4, "0")}`;
  return `U${hex.padStart(8, "0")}`;
}

/** The document `Psych.dump` writes for `root`: `---`, the node, a final newline. */
export function emitYamlDocument(root: EmitterNode): string {
  return new Writer().document(root);
}
