// `remove|rm`, `pause`, `stop`, `resume`: one-service commands forwarded to the proxy.
import type { Command } from "commander";
import { DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_PAUSE_TIMEOUT_MS, DEFAULT_STOP_MESSAGE } from "../../defaults.js";
import type { CliContext } from "../context.js";
import { formatDuration } from "../../duration.js";
import { durationFlag } from "../pflag.js";

/** Register remove, pause, stop and resume. */
export function registerServiceCommands(program: Command, ctx: CliContext): void {
  program
    .command("remove")
    .alias("rm")
    .description("Remove a service")
    .argument("<service>", "service name")
    .action(async (service: string) => {
      await ctx.call({ method: "remove", params: { service } });
    });

  program
    .command("pause")
    .description("Pause a service")
    .argument("<service>", "service name")
    .option(
      "--drain-timeout <duration>",
      "How long to allow in-flight requests to complete",
      formatDuration(DEFAULT_DRAIN_TIMEOUT_MS),
    )
    .option(
      "--max-pause <duration>",
      "Maximum time to pause for before requests fail",
      formatDuration(DEFAULT_PAUSE_TIMEOUT_MS),
    )
    .action(async (service: string, opts: { drainTimeout: string; maxPause: string }) => {
      await ctx.call({
        method: "pause",
        params: {
          service,
          drainTimeoutMs: durationFlag("drain-timeout", opts.drainTimeout),
          pauseTimeoutMs: durationFlag("max-pause", opts.maxPause),
        },
      });
    });

  program
    .command("stop")
    .description("Stop a service")
    .argument("<service>", "service name")
    .option(
      "--drain-timeout <duration>",
      "How long to allow in-flight requests to complete",
      formatDuration(DEFAULT_DRAIN_TIMEOUT_MS),
    )
    .option("--message <text>", "Message to display to clients while stopped", DEFAULT_STOP_MESSAGE)
    .action(async (service: string, opts: { drainTimeout: string; message: string }) => {
      await ctx.call({
        method: "stop",
        params: { service, drainTimeoutMs: durationFlag("drain-timeout", opts.drainTimeout), message: opts.message },
      });
    });

  program
    .command("resume")
    .description("Resume a service")
    .argument("<service>", "service name")
    .action(async (service: string) => {
      await ctx.call({ method: "resume", params: { service } });
    });
}
