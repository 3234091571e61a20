/**
 * @module
 * Small pieces the operating flows (app/accessory/proxy/lock/server subcommands) share: role fan-out
 * (Kamal's `on_roles`), registry login that skips a local registry, `--raw` output, the interactive
 * hand-over and the confirmation question.
 */
import type { Command } from "../../commands/command.js";
import * as registry from "../../commands/registry.js";
import type { RegistryConfig, Role } from "../../config/config.js";
import { DhowError } from "../../errors.js";
import type { Logger } from "../../output/logger.js";
import { type InteractiveRunner, interactiveRunner } from "../../remote/interactive-ssh.js";
import type { DeployContext } from "./context.js";
import { execute, on, onTasks } from "./execute.js";

export type { InteractiveRunner } from "../../remote/interactive-ssh.js";

/** Asks the user a yes/no question; resolves true only for "y" (Kamal's `confirming`). */
export type Confirm = (question: string) => Promise<boolean>;

/** Options of flows that may hand the terminal over to `ssh -t`. */
export interface HandOverOptions {
  /** Runs the `ssh -t …` line (default: the system ssh with the terminal attached). */
  readonly handOver?: InteractiveRunner;
}

/** The runner a flow uses for `ssh -t` (the injected one, else the system ssh in the context's env). */
export function handOverRunner(ctx: DeployContext, options: HandOverOptions): InteractiveRunner {
  return options.handOver ?? interactiveRunner({ env: ctx.env, cwd: ctx.cwd });
}

/**
 * Runs `fn(host, role)` for every selected role on each of `hosts` (Kamal's `on_roles`). Default: hosts in
 * parallel, roles one after another on each host. `parallel` (boot.parallel_roles): one branch per role,
 * each running on that role's hosts in parallel. Every branch settles before failures are reported.
 */
export async function onRoles(
  ctx: DeployContext,
  hosts: readonly string[],
  fn: (host: string, role: Role) => Promise<void>,
  options: { parallel?: boolean } = {},
): Promise<void> {
  if (!options.parallel) {
    await on(ctx, hosts, async (host) => {
      for (const role of ctx.selection.rolesOn(host)) await fn(host, role);
    });
    return;
  }
  const pairs = ctx.selection.roles.flatMap((role) =>
    hosts.filter((host) => role.hosts.includes(host)).map((host) => ({ host, role })),
  );
  await onTasks(
    ctx,
    pairs.map(({ host, role }) => ({ host, run: () => fn(host, role) })),
  );
}

/** The first selected role on an app host (Kamal's `KAMAL.roles_on(host).first`). */
export function anyRoleOn(ctx: DeployContext, host: string): Role {
  const role = ctx.selection.rolesOn(host)[0] ?? ctx.config.hostRoles(host)[0] ?? ctx.config.roles[0];
  if (!role) throw new DhowError(`No role runs on ${host}`);
  return role;
}

/** `docker login …` with the given registry (the root one by default); nothing for a local registry. */
export async function loginToRegistry(
  ctx: DeployContext,
  host: string,
  registryConfig: RegistryConfig = ctx.config.registry,
): Promise<void> {
  if (registryConfig.local) return;
  await execute(ctx, host, registry.login(ctx.config, { registryConfig }));
}

/**
 * The context for `--raw`: only the command's stdout (and errors) reach the terminal, so it can be piped
 * byte for byte (Kamal's `with_raw_output`, verbosity :error).
 */
export function rawOutputContext(ctx: DeployContext, raw: boolean): DeployContext {
  if (!raw) return ctx;
  const quiet: Logger = {
    verbosity: "quiet",
    say: () => {},
    debug: () => {},
    warn: () => {},
    error: (message) => ctx.logger.error(message),
    output: (text) => ctx.logger.output(text),
    outputByHost: (host, text, type) => ctx.logger.outputByHost(host, text, type),
    forHost: (host) => ({ host, command: () => {}, info: () => {} }),
  };
  return { ...ctx, logger: quiet };
}

/** Prints a host's command output: with the `App Host:` header, or (`--raw`) exactly as received. */
export function printByHost(
  ctx: DeployContext,
  host: string,
  output: string,
  options: { raw?: boolean; type?: string } = {},
): void {
  if (options.raw) ctx.logger.output(output);
  else ctx.logger.outputByHost(host, output.trim(), options.type);
}

/** Runs a command and returns its stdout, trimmed unless `raw` (Kamal's `capture_with_info(strip:)`). */
export async function captureOutput(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: { raw?: boolean; allowFailure?: boolean } = {},
): Promise<string> {
  const result = await execute(ctx, host, command, options.allowFailure ? { allowFailure: true } : {});
  return options.raw ? result.stdout : result.stdout.trim();
}

/** Kamal's `Utils.join_commands`: the words of a command given on the command line, joined by spaces. */
export function joinCommandWords(words: readonly string[]): string {
  return words.map((word) => word.trim()).join(" ");
}

/** Ruby's `Array#to_sentence`: `a`, `a and b`, `a, b, and c`. */
export function toSentence(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, and ${items.at(-1)}`;
}

/** Runs `work` after the user confirmed (or with `confirmed`); otherwise prints `Aborted` (Kamal's `confirming`). */
export async function confirming(
  ctx: DeployContext,
  question: string,
  options: { confirmed?: boolean | undefined; confirm?: Confirm | undefined },
  work: () => Promise<void>,
): Promise<void> {
  if (options.confirmed) return work();
  const yes = options.confirm ? await options.confirm(question) : false;
  if (yes) return work();
  ctx.logger.say("Aborted", "red");
}
