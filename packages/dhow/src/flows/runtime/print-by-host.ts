/**
 * @module
 * Command output for the operating flows: `App Host:` blocks, or with `--raw` exactly what the command
 * printed (Kamal's `with_raw_output`), and the stdout capture behind both.
 */
import type { Command } from "../../commands/command.js";
import type { Logger } from "../../output/logger.js";
import type { DeployContext } from "./context.js";
import { execute } from "./execute.js";

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

/**
 * Runs a command and returns its stdout, trimmed unless `raw` (Kamal's `capture_with_info(strip:)`): for commands
 * that may change things (`exec`); a read is `capture` (execute.ts), which a dry run still runs.
 */
export async function captureOutput(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: { raw?: boolean; allowFailure?: boolean } = {},
): Promise<string> {
  const result = await execute(ctx, host, command, options.allowFailure ? { allowFailure: true } : {});
  return options.raw ? result.stdout : result.stdout.trim();
}
