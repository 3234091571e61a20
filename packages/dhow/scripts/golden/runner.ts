/**
 * @module
 * Runs golden cases (Kamal's command strings, see test/fixtures/golden/README.md) against dhow's builders:
 * a temp working directory with the case's secret files, the config built from the case, the mapped
 * builder called, and the result checked per the case's `assert` kind. Shared by `scripts/golden.ts`
 * and `test/golden.test.ts`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type Command, render, tokenStrings } from "../../src/commands/command.js";
import { createConfig } from "../../src/config/config.js";
import type { RawConfig } from "../../src/config/raw-config.js";
import { DhowError } from "../../src/errors.js";
import { localRunner } from "../../src/remote/local.js";
import { loadSecrets } from "../../src/secrets/secrets.js";
import { GOLDEN_GROUPS } from "./groups.js";
import type { GoldenGroup, GoldenStubs } from "./types.js";

/** One golden case, as stored in the fixture files. */
export interface GoldenCase {
  readonly id: string;
  readonly config: RawConfig;
  readonly destination: string | null;
  readonly version: string | null;
  readonly secret_files?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly files_present?: readonly string[];
  readonly stubs?: GoldenStubs;
  readonly call: {
    readonly builder: string;
    readonly constructor?: Readonly<Record<string, unknown>>;
    readonly method: string;
    readonly positional?: readonly unknown[];
    readonly args?: Readonly<Record<string, unknown>>;
    readonly pick?: number;
  };
  readonly returns: string;
  readonly assert: string;
  readonly expected: unknown;
  readonly expected_tokens?: readonly string[];
  readonly pattern?: string;
  readonly pattern_flags?: string;
  readonly includes?: string;
  readonly decoded_payload?: string;
  readonly suffix?: string;
  readonly expected_list?: readonly string[];
  readonly raises_message?: string;
}

/** The outcome of one case. */
export interface GoldenResult {
  readonly id: string;
  readonly file: string;
  readonly passed: boolean;
  /** Why it failed (short, one line). */
  readonly message?: string;
}

/** Every case of every `*.json` file in `dir`, with the file it came from. */
export function loadGoldenCases(dir: string): { file: string; testCase: GoldenCase }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .flatMap((file) => {
      const data = JSON.parse(readFileSync(join(dir, file), "utf8")) as { cases?: GoldenCase[] };
      return (data.cases ?? []).map((testCase) => ({ file, testCase }));
    });
}

/** Runs one case; never throws (an exception is a failed case). */
export function runGoldenCase(
  testCase: GoldenCase,
  file = "",
  groups: Readonly<Record<string, GoldenGroup<unknown>>> = GOLDEN_GROUPS,
): GoldenResult {
  const fail = (message: string): GoldenResult => ({ id: testCase.id, file, passed: false, message });
  const group = groups[testCase.call.builder];
  if (!group) return fail(`unknown command group "${testCase.call.builder}"`);
  const cwd = mkdtempSync(join(tmpdir(), "dhow-golden-"));
  try {
    for (const [path, content] of Object.entries(testCase.secret_files ?? {})) writeFile(cwd, path, content);
    for (const path of testCase.files_present ?? []) writeFile(cwd, path, "");
    let output: unknown;
    try {
      output = invoke(testCase, group, cwd);
    } catch (error) {
      if (testCase.assert === "raises") {
        const message = error instanceof Error ? error.message : String(error);
        const wanted = testCase.raises_message;
        return wanted === undefined || message.includes(wanted)
          ? { id: testCase.id, file, passed: true }
          : fail(`expected error "${wanted}", got "${message}"`);
      }
      return fail(
        `threw ${error instanceof DhowError ? error.name : error instanceof Error ? error.name : "error"}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    let problem: string | undefined;
    try {
      problem = check(testCase, output);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    return problem === undefined ? { id: testCase.id, file, passed: true } : fail(problem);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Runs every case in `dir`. */
export function runGoldenDir(dir: string): GoldenResult[] {
  return loadGoldenCases(dir).map(({ file, testCase }) => runGoldenCase(testCase, file));
}

function invoke(testCase: GoldenCase, group: GoldenGroup<unknown>, cwd: string): unknown {
  const env = { ...(testCase.env ?? {}) };
  const destination = testCase.destination ?? undefined;
  const secrets = loadSecrets({ cwd, destination, env, runner: localRunner });
  const declared = testCase.version;
  const config = createConfig(structuredClone(testCase.config), {
    destination,
    version:
      declared ??
      (() => {
        throw new Error("the case gives no version, but the command used it");
      }),
    secrets,
    cwd,
    // The cases are Kamal's own command strings: Kamal's default proxy image, not dhow's.
    proxyImage: "kamal",
  });
  const stubs = testCase.stubs ?? {};
  const instance = group.construct({ config, constructorArgs: testCase.call.constructor ?? {}, stubs, cwd });
  return group.call(instance, {
    method: testCase.call.method,
    positional: testCase.call.positional ?? [],
    args: testCase.call.args ?? {},
  });
}

/** The entry `pick` of a list result (cases whose method returns a list of commands). */
function picked(testCase: GoldenCase, output: unknown): unknown {
  const pick = testCase.call.pick;
  if (pick === undefined) return output;
  if (!Array.isArray(output)) throw new Error(`expected a list of commands to pick #${pick} from`);
  return output[pick];
}

/** undefined when the output satisfies the case, else a short description of the mismatch. */
function check(testCase: GoldenCase, result: unknown): string | undefined {
  let output = result;
  if (testCase.returns === "hash" || (testCase.assert === "equal" && isPlainObject(testCase.expected))) {
    return isDeepStrictEqual(output, testCase.expected)
      ? undefined
      : `expected ${JSON.stringify(testCase.expected)} got ${JSON.stringify(output)}`;
  }
  if (testCase.assert === "any_ends_with") {
    if (!Array.isArray(output)) return `expected a list of commands, got ${describe(output)}`;
    const rendered = (output as Command[]).map((command) => render(command));
    const suffix = testCase.suffix ?? "";
    if (!rendered.some((line) => line.endsWith(suffix)))
      return `no command ends with "${suffix}": ${JSON.stringify(rendered)}`;
    if (testCase.expected_list && !isDeepStrictEqual(rendered, testCase.expected_list)) {
      return `expected ${JSON.stringify(testCase.expected_list)} got ${JSON.stringify(rendered)}`;
    }
    const entry = testCase.call.pick === undefined ? undefined : rendered[testCase.call.pick];
    return entry === undefined || entry === testCase.expected ? undefined : mismatch(String(testCase.expected), entry);
  }
  output = picked(testCase, output);
  const text = asText(output);
  if (text === undefined) return `expected a command or string, got ${describe(output)}`;
  const exact = text === testCase.expected ? undefined : mismatch(String(testCase.expected), text);
  switch (testCase.assert) {
    case "equal":
      return exact;
    case "equal_tokens": {
      const tokens = Array.isArray(output) ? tokenStrings(output as Command) : [text];
      if (!isDeepStrictEqual(tokens, testCase.expected_tokens)) {
        return `expected tokens ${JSON.stringify(testCase.expected_tokens)} got ${JSON.stringify(tokens)}`;
      }
      return exact;
    }
    case "match":
    case "no_match": {
      const matches = new RegExp(testCase.pattern ?? "", testCase.pattern_flags ?? "").test(text);
      if (matches !== (testCase.assert === "match")) {
        return `${testCase.assert === "match" ? "does not match" : "matches"} /${testCase.pattern}/: ${shorten(text)}`;
      }
      return exact;
    }
    case "ascii_only":
      return /^[\x00-\x7F]*$/.test(text) ? exact : `not ASCII-only: ${shorten(text)}`;
    case "base64_payload_includes": {
      const payload = /echo "([\s\S]*?)" >/.exec(text)?.[1];
      if (payload === undefined) return `no echo "…" > payload in ${shorten(text)}`;
      const decoded = Buffer.from(payload.replace(/\s+/g, ""), "base64").toString("utf8");
      if (!decoded.includes(testCase.includes ?? ""))
        return `payload ${JSON.stringify(decoded)} lacks ${JSON.stringify(testCase.includes)}`;
      if (testCase.decoded_payload !== undefined && decoded !== testCase.decoded_payload) {
        return `payload ${JSON.stringify(decoded)} is not ${JSON.stringify(testCase.decoded_payload)}`;
      }
      return exact;
    }
    case "raises":
      return `expected an error, got ${shorten(text)}`;
    default:
      return `unknown assert kind "${testCase.assert}"`;
  }
}

function asText(output: unknown): string | undefined {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return render(output as Command);
  return undefined;
}

/** `expected …X… got …Y…` around the first difference. */
function mismatch(expected: string, actual: string): string {
  let index = 0;
  while (index < expected.length && index < actual.length && expected[index] === actual[index]) index++;
  const from = Math.max(0, index - 40);
  const clip = (text: string) =>
    `${from > 0 ? "…" : ""}${text.slice(from, index + 60)}${text.length > index + 60 ? "…" : ""}`;
  return `expected ${JSON.stringify(clip(expected))} got ${JSON.stringify(clip(actual))}`;
}

function shorten(text: string): string {
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…` : text);
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function writeFile(cwd: string, path: string, content: string): void {
  const target = join(cwd, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
