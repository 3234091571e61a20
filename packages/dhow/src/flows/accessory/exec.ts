/**
 * @module
 * `dhow accessory exec NAME CMD…`: in a new container of the accessory's image (default) or its running
 * container (`--reuse`) on each of its hosts, or over `ssh -t` on its first host (`-i`). `--raw` prints
 * stdout exactly as received.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import { UsageError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { selectAccessory } from "./lookup.js";
import { captureOutput, printByHost, rawOutputContext } from "../runtime/print-by-host.js";
import { type HandOverOptions, handOverRunner } from "../runtime/hand-over.js";
import { joinCommandWords } from "../runtime/words.js";
import { preConnect } from "../runtime/pre-connect.js";

export interface AccessoryExecOptions extends HandOverOptions {
  readonly interactive?: boolean | undefined;
  readonly reuse?: boolean | undefined;
  readonly raw?: boolean | undefined;
}

/** Runs `words` for the accessory; resolves with the exit code (ssh's in interactive mode). */
export async function accessoryExec(
  outer: DeployContext,
  name: string,
  words: readonly string[],
  options: AccessoryExecOptions = {},
): Promise<number> {
  if (options.raw && options.interactive) throw new UsageError("Raw is not compatible with interactive");
  if (words.length === 0) throw new UsageError("No command provided. You must specify a command to execute.");
  const raw = Boolean(options.raw);
  const ctx = rawOutputContext(outer, raw);
  const cmd = joinCommandWords(words);
  const { hosts, target } = selectAccessory(ctx, name);

  if (options.interactive) {
    await preConnect(ctx);
    ctx.logger.say(
      `Launching interactive command via SSH from ${options.reuse ? "existing" : "new"} container...`,
      "magenta",
    );
    const line = options.reuse
      ? accessoryCommands.executeInExistingContainerOverSsh(target, [cmd], ctx.facts)
      : accessoryCommands.executeInNewContainerOverSsh(target, [cmd], ctx.facts);
    return handOverRunner(ctx, options)(line);
  }

  ctx.logger.say(`Launching command from ${options.reuse ? "existing" : "new"} container...`, "magenta");
  await on(ctx, hosts, async (host) => {
    await execute(
      ctx,
      host,
      auditor.record(ctx.config, `Executed cmd '${cmd}' on ${name} accessory`, { facts: ctx.facts }),
    );
    const command = options.reuse
      ? accessoryCommands.executeInExistingContainer(target, [cmd])
      : accessoryCommands.executeInNewContainer(target, [cmd]);
    printByHost(ctx, host, await captureOutput(ctx, host, command, { raw }), { raw });
  });
  return 0;
}
