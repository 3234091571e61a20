/**
 * @module
 * Parses rendered deploy.yml text into Ruby-equivalent values, as `YAML.unsafe_load` (Psych) would, and
 * records where each key path was written.
 *
 * The `yaml` package supplies the parser and node ranges; the conversion to values is done here because
 * Psych's semantics differ from every `yaml` schema: scalar typing (see psych-scalar.ts), merge keys
 * (`<<` overwrites keys written before it, a sequence merges right-to-left, a non-hash value is kept as a
 * plain `<<` key), duplicate keys (the last wins), tags, and only the first document counts.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  parseAllDocuments,
  type Scalar,
} from "yaml";
import { ConfigError, type SourceLocation } from "../../errors.js";
import { createLocationIndex, type KeyPath, type LocationIndex } from "./location-index.js";
import { resolvePlainScalar, resolveTaggedScalar, ScalarError } from "./psych-scalar.js";
import { isHash, type RubyHash, rubyToS, setOwn } from "../../ruby.js";
import type { TemplateMap } from "./template-map.js";

/** The loaded value of the first YAML document and where its keys were written. */
export interface ParsedYaml {
  /** Psych's result: `false` for a stream with no document, as `YAML.unsafe_load("")` gives. */
  readonly value: unknown;
  readonly locations: LocationIndex;
}

/** Options: the file name for messages and the map back to template lines. */
export interface ParseYamlOptions {
  readonly file: string;
  readonly map: TemplateMap;
}

const PARSE_OPTIONS = {
  version: "1.1",
  schema: "failsafe",
  uniqueKeys: false,
  merge: false,
  prettyErrors: false,
} as const;

/** Parses `text`; throws ConfigError (with file:line) for invalid YAML or a value Psych would refuse. */
export function parseYaml(text: string, { file, map }: ParseYamlOptions): ParsedYaml {
  const locations = createLocationIndex();
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  const doc = (Array.isArray(docs) ? docs[0] : undefined) as Document | undefined;
  if (!doc) return { value: false, locations };
  const error = doc.errors[0];
  if (error) {
    const location = locationAt(file, map, error.pos[0]);
    throw new ConfigError(`Invalid YAML: ${firstLine(error.message)}`, { location });
  }
  const converter = new Converter(doc, file, map, locations);
  const value = doc.contents === null ? null : converter.convert(doc.contents as Node, []);
  return { value, locations };
}

/** Walks the node tree once, producing Ruby-like values and recording locations. */
class Converter {
  private readonly memo = new Map<Node, unknown>();
  private readonly inProgress = new Set<Node>();

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly map: TemplateMap,
    private readonly locations: LocationIndex,
  ) {}

  convert(node: Node, path: KeyPath): unknown {
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as Node | undefined;
      if (!target) throw this.error(`Unknown YAML alias *${node.source}`, node);
      if (this.inProgress.has(target)) throw this.error(`Recursive YAML alias *${node.source} is not supported`, node);
      if (this.memo.has(target)) return this.memo.get(target);
      return this.convertNode(target, path);
    }
    return this.convertNode(node, path);
  }

  private convertNode(node: Node, path: KeyPath): unknown {
    if (this.memo.has(node)) return this.memo.get(node);
    this.inProgress.add(node);
    try {
      const value = this.build(node, path);
      if (node.anchor) this.memo.set(node, value);
      return value;
    } finally {
      this.inProgress.delete(node);
    }
  }

  private build(node: Node, path: KeyPath): unknown {
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      this.checkCollectionTag(node.tag, node);
      return node.items.map((item, index) => {
        const itemPath = [...path, index];
        if (item === null || item === undefined) return null;
        const child = item as Node;
        this.record(itemPath, child, child);
        return this.convert(child, itemPath);
      });
    }
    if (isMap(node)) {
      this.checkCollectionTag(node.tag, node);
      const hash: RubyHash = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const valueNode = pair.value as Node | null;
        if (keyNode && isMergeKey(keyNode)) {
          this.merge(hash, valueNode, path, keyNode);
          continue;
        }
        const key = keyNode === null ? "" : this.keyString(this.convert(keyNode, path));
        const childPath = [...path, key];
        this.record(childPath, keyNode, valueNode);
        setOwn(hash, key, valueNode === null ? null : this.convert(valueNode, childPath));
      }
      return hash;
    }
    throw this.error("Unsupported YAML node", node);
  }

  private scalar(node: Scalar): unknown {
    const text = node.value === null || node.value === undefined ? "" : String(node.value);
    try {
      if (node.tag) return resolveTaggedScalar(node.tag, text);
      if (node.type === "PLAIN") return resolvePlainScalar(text);
      return text;
    } catch (error) {
      if (error instanceof ScalarError) throw this.error(error.message, node);
      throw error;
    }
  }

  /** Psych's `<<` handling (see module comment). */
  private merge(hash: RubyHash, valueNode: Node | null, path: KeyPath, keyNode: Node): void {
    const value = valueNode === null ? null : this.convert(valueNode, path);
    const target = valueNode && isAlias(valueNode) ? (valueNode.resolve(this.doc) as Node | undefined) : valueNode;
    let merged: RubyHash | undefined;
    if (target && isMap(target) && isHash(value)) {
      merged = value;
    } else if (target && isSeq(target) && Array.isArray(value) && value.every(isHash)) {
      merged = {};
      for (const part of [...value].reverse()) {
        for (const [key, child] of Object.entries(part)) setOwn(merged, key, child);
      }
    }
    if (merged) {
      for (const [key, child] of Object.entries(merged)) {
        setOwn(hash, key, child);
        this.record([...path, key], keyNode, valueNode);
      }
    } else {
      setOwn(hash, "<<", value);
      this.record([...path, "<<"], keyNode, valueNode);
    }
  }

  private checkCollectionTag(tag: string | undefined, node: Node): void {
    if (tag?.startsWith("!ruby/"))
      throw this.error(`Unsupported YAML tag ${tag} (a Ruby object dhow cannot load)`, node);
  }

  private keyString(key: unknown): string {
    if (typeof key === "string") return key;
    if (key instanceof Date) return key.toISOString().slice(0, 10);
    if (Array.isArray(key) || isHash(key)) return JSON.stringify(key);
    return rubyToS(key);
  }

  /** Records the value position for scalars and flow collections, else the key position. */
  private record(path: KeyPath, keyNode: Node | null, valueNode: Node | null): void {
    const useValue =
      valueNode?.range &&
      !(isMap(valueNode) && !valueNode.flow) &&
      !(isSeq(valueNode) && !valueNode.flow) &&
      !(isScalar(valueNode) && valueNode.type === "PLAIN" && valueNode.value === "");
    const node = useValue ? valueNode : (keyNode ?? valueNode);
    const offset = node?.range?.[0];
    if (offset === undefined) return;
    this.locations.set(path, locationAt(this.file, this.map, offset));
  }

  private error(message: string, node: Node): ConfigError {
    const offset = node.range?.[0];
    return new ConfigError(message, offset === undefined ? {} : { location: locationAt(this.file, this.map, offset) });
  }
}

function isMergeKey(node: Node): boolean {
  return isScalar(node) && node.value === "<<" && node.tag !== "tag:yaml.org,2002:str";
}

function locationAt(file: string, map: TemplateMap, offset: number): SourceLocation {
  const { line, column } = map.position(offset);
  return { file, line, column };
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/:$/, "").replace(/ at line \d+, column \d+$/, "");
}
