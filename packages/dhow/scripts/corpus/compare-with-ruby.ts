/**
 * @module
 * A fidelity check for the loader: renders and parses one file with the real Ruby (ERB with trim_mode "-",
 * then `YAML.unsafe_load`) and compares the result with what dhow's loader produced. Used by
 * `npm run corpus -- --compare-ruby` (slow: two Ruby processes per file).
 */
import { readFileSync } from "node:fs";
import { isHash } from "../../src/ruby.js";
import type { RubyErbRenderer } from "../../src/remote/ruby-erb.js";
import { runLocalSync } from "../../src/remote/local.js";

const PSYCH_TO_JSON = `
require "yaml"
require "json"
require "date"
convert = lambda do |value|
  case value
  when Hash then value.to_h { |k, v| [k.is_a?(Symbol) ? k.to_s : (k.is_a?(String) ? k : k.to_s), convert.(v)] }
  when Array then value.map { |v| convert.(v) }
  when Symbol then value.to_s
  when Date, Time then { "$date" => value.to_s }
  when Float then value.nan? || value.infinite? ? { "$float" => value.to_s } : value
  when Integer then value.abs > 2**53 ? { "$bigint" => value.to_s } : value
  else value
  end
end
result = begin
  { "ok" => convert.(YAML.unsafe_load(STDIN.read)) }
rescue Exception => e
  { "error" => "#{e.class}: #{e.message}" }
end
STDOUT.write(JSON.generate(result))
`;

/** Compares dhow's raw value for `file` with Ruby's; returns a description of the first difference. */
export function compareWithRuby(options: {
  file: string;
  dhowValue: unknown;
  env: NodeJS.ProcessEnv;
  cwd: string;
  ruby: RubyErbRenderer;
}): string | undefined {
  const { file, dhowValue, env, cwd, ruby } = options;
  let rendered: string;
  try {
    rendered = ruby.render(readFileSync(file, "utf8"), file, env, { cwd });
  } catch (error) {
    return `ruby ERB failed: ${(error as Error).message}`;
  }
  const result = runLocalSync("ruby", ["-e", PSYCH_TO_JSON], { input: rendered, cwd });
  if (result.exitCode !== 0) return `ruby YAML failed: ${result.stderr.trim()}`;
  const parsed = JSON.parse(result.stdout) as { ok?: unknown; error?: string };
  if (parsed.error !== undefined) return `Psych rejected it: ${parsed.error}`;
  return difference(normalize(dhowValue), parsed.ok, "");
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return { $date: "(date)" };
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (typeof value === "number" && !Number.isFinite(value)) return { $float: "(special)" };
  if (Array.isArray(value)) return value.map(normalize);
  if (isHash(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalize(item)]));
  return value;
}

function difference(ours: unknown, theirs: unknown, path: string): string | undefined {
  if (isHash(theirs) && ("$date" in theirs || "$float" in theirs)) {
    return isHash(ours) && ("$date" in ours || "$float" in ours)
      ? undefined
      : `${path}: dhow ${show(ours)}, ruby ${show(theirs)}`;
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    if (ours.length !== theirs.length) return `${path}: dhow has ${ours.length} items, ruby ${theirs.length}`;
    for (let index = 0; index < ours.length; index++) {
      const found = difference(ours[index], theirs[index], `${path}/${index}`);
      if (found) return found;
    }
    return undefined;
  }
  if (isHash(ours) && isHash(theirs)) {
    const ourKeys = Object.keys(ours);
    const theirKeys = Object.keys(theirs);
    if (ourKeys.join("\u0000") !== theirKeys.join("\u0000")) {
      return `${path}: dhow keys [${ourKeys.join(", ")}], ruby keys [${theirKeys.join(", ")}]`;
    }
    for (const key of ourKeys) {
      const found = difference(ours[key], theirs[key], `${path}/${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return ours === theirs ? undefined : `${path}: dhow ${show(ours)}, ruby ${show(theirs)}`;
}

function show(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}
