/**
 * @module
 * `dhow server exec CMD…`: a raw shell command on every selected host (app and accessory hosts), with its
 * output per host; `-i` runs it over `ssh -t` on the primary host; `--raw` prints stdout exactly.
 */
import * as auditor from "../../commands/auditor.js";
import { runOverSsh } from "../../commands/base.js";
import { UsageError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { captureOutput, printByHost, rawOutputContext } from "../runtime/print-by-host.js";
import { type HandOverOptions, handOverRunner } from "../runtime/hand-over.js";
import { joinCommandWords } from "../runtime/words.js";
import { preConnect } from "../runtime/pre-connect.js";

export interface ServerExecOptions extends HandOverOptions {
  readonly interactive?: boolean | undefined;
  readonly raw?: boolean | undefined;
}

/** Runs `words` on the hosts; resolves with the exit code (ssh's in interactive mode). */
export async function serverExec(
  outer: DeployContext,
  words: readonly string[],
  options: ServerExecOptions = {},
): Promise<number> {
  const raw = Boolean(options.raw);
  if (raw && options.interactive) throw new UsageError("Raw is not compatible with interactive");
  if (words.length === 0) throw new UsageError("No command provided. You must specify a command to execute.");
  const ctx = rawOutputContext(outer, raw);
  await preConnect(ctx);
  const cmd = joinCommandWords(words);

  if (options.interactive) {
    const host = ctx.selection.primaryHost;
    if (host === undefined) return 0;
    ctx.logger.say(`Running '${cmd}' on ${host} interactively...`, "magenta");
    return handOverRunner(ctx, options)(runOverSsh(ctx.config, cmd, { host }));
  }

  const hosts = ctx.selection.hosts;
  ctx.logger.say(`Running '${cmd}' on ${hosts.join(", ")}...`, "magenta");
  await on(ctx, hosts, async (host) => {
    await execute(ctx, host, auditor.record(ctx.config, `Executed cmd '${cmd}' on ${host}`, { facts: ctx.facts }));
    printByHost(ctx, host, await captureOutput(ctx, host, [cmd], { raw }), { raw });
  });
  return 0;
}
