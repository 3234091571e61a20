/**
 * @module
 * Assertions for scenarios: each failure says what was checked, what was expected and what was found.
 */
import { sleep } from "./exec.js";

/** A scenario expectation that did not hold. */
export class ScenarioFailure extends Error {
  override name = "ScenarioFailure";
}

/** Fails with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScenarioFailure(message);
}

/** `actual` must equal `expected` (compared as JSON). */
export function expectEqual<T>(actual: T, expected: T, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new ScenarioFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** `text` must match `pattern` (a RegExp, or a string it must contain). */
export function expectMatch(text: string, pattern: RegExp | string, what: string): void {
  const ok = typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
  if (!ok) throw new ScenarioFailure(`${what}: expected ${describe(pattern)} in:\n${indent(text)}`);
}

/** `text` must not match `pattern`. */
export function expectNoMatch(text: string, pattern: RegExp | string, what: string): void {
  const hit = typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
  if (hit) throw new ScenarioFailure(`${what}: did not expect ${describe(pattern)} in:\n${indent(text)}`);
}

/** Options of `eventually`. */
export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** Default patience of `eventually`: state that converges after a deploy (e.g. a worker's first write). */
export const DEFAULT_EVENTUALLY_MS = 20_000;

/**
 * Retries `probe` until it returns without throwing, or fails with the last error after the timeout. For
 * state that converges on its own (a container that is starting, a counter a worker updates).
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  { timeoutMs = DEFAULT_EVENTUALLY_MS, intervalMs = 250 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) {
      const reason = last instanceof Error ? last.message : String(last);
      throw new ScenarioFailure(`${what} (still failing after ${timeoutMs / 1000}s): ${reason}`);
    }
    await sleep(intervalMs);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

function describe(pattern: RegExp | string): string {
  return typeof pattern === "string" ? JSON.stringify(pattern) : String(pattern);
}

function indent(text: string): string {
  const lines = text.trimEnd().split("\n");
  const shown =
    lines.length > 40 ? [...lines.slice(0, 10), `  … ${lines.length - 30} lines …`, ...lines.slice(-20)] : lines;
  return shown.map((line) => `    | ${line}`).join("\n");
}
