/**
 * @module
 * Helpers shared by the golden dispatch files: facts from stubs, argument readers, and the base-class
 * methods (`run_over_ssh`, `container_id_for`, `make_directory`, …) every Kamal command class has.
 */
import type { Config } from "../../src/config/config.js";
import * as base from "../../src/commands/base.js";
import type { Facts } from "../../src/commands/facts.js";
import { type GoldenCall, type GoldenStubs, UnknownGoldenMethodError } from "./types.js";

/** The fixed values the fixtures README lists, used when a case does not stub an input it does not depend on. */
export const DEFAULT_GOLDEN_STUBS = {
  time_now_utc: "2025-01-15T10:30:00Z",
  git_user_email: "deployer@example.com",
  git_user_name: "Deployer",
  secure_random_hex_3: "a1b2c3",
  stdin_tty: true,
} as const;

/** Facts for builders, from a case's stubs. */
export function goldenFacts(stubs: GoldenStubs): Facts {
  return {
    now: () => new Date(stubs.time_now_utc ?? DEFAULT_GOLDEN_STUBS.time_now_utc),
    randomHex: (bytes) =>
      bytes === 3 ? (stubs.secure_random_hex_3 ?? DEFAULT_GOLDEN_STUBS.secure_random_hex_3) : "0".repeat(bytes * 2),
    stdinIsTty: () => stubs.stdin_tty ?? DEFAULT_GOLDEN_STUBS.stdin_tty,
    performer: () => stubs.git_user_email ?? DEFAULT_GOLDEN_STUBS.git_user_email,
    gitUserName: () => stubs.git_user_name ?? DEFAULT_GOLDEN_STUBS.git_user_name,
  };
}

/** A string argument (absent → undefined; numbers become text). */
export function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : String(value);
}

/** A string or number argument (Kamal interpolates either). */
export function strOrNum(value: unknown): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" ? value : String(value);
}

/** A boolean argument (absent → undefined). */
export function bool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/** An env hash argument (`env: { foo: "bar" }`). */
export function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The positional arguments as strings (a command's words). */
export function words(call: GoldenCall): string[] {
  return call.positional.map((value) => String(value));
}

/** Drops undefined values so optional properties stay absent (exactOptionalPropertyTypes). */
export function defined<T extends Record<string, unknown>>(object: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** The methods of Kamal's `Commands::Base` (shared by every group). */
export function callBaseMethod(group: string, config: Config, call: GoldenCall): unknown {
  switch (call.method) {
    case "run_over_ssh":
      return base.runOverSsh(config, words(call).join(" "), {
        host: str(call.args.host) ?? "",
        ...(call.args.extra_ssh_args === undefined ? {} : { extraSshArgs: String(call.args.extra_ssh_args) }),
      });
    case "container_id_for":
      return base.containerIdFor({
        containerName: str(call.args.container_name) ?? "",
        onlyRunning: bool(call.args.only_running) ?? false,
      });
    case "make_directory":
      return base.makeDirectory(String(call.positional[0]));
    case "make_directory_for":
      return base.makeDirectoryFor(String(call.positional[0]));
    case "remove_directory":
      return base.removeDirectory(String(call.positional[0]));
    case "remove_file":
      return base.removeFile(String(call.positional[0]));
    case "ensure_docker_installed":
      return base.ensureDockerInstalled();
    default:
      throw new UnknownGoldenMethodError(group, call.method);
  }
}
