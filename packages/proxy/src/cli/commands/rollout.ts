// `rollout deploy|set|stop <service>`: canary targets in the rollout slot and the traffic split to them.
import type { Command } from "commander";
import { DEFAULT_DEPLOY_TIMEOUT_MS, DEFAULT_DRAIN_TIMEOUT_MS } from "../../defaults.js";
import type { CliContext } from "../context.js";
import { formatDuration } from "../../duration.js";
import { collectSlice, durationFlag, intFlag, UsageError } from "../pflag.js";
import { addBoolean, changed } from "./options.js";

/** Register `rollout` and its subcommands. */
export function registerRollout(program: Command, ctx: CliContext): void {
  const rollout = program.command("rollout").description("Deploy and manage a rollout (canary) of a service");

  const deploy = rollout
    .command("deploy")
    .description("Deploy targets into the rollout slot of a service")
    .argument("<service>", "service name")
    .option("--target <host:port>", "Target host(s) to deploy", collectSlice, [])
    .option("--read-target <host:port>", "Read-only target host(s) to deploy", collectSlice, [])
    .option(
      "--deploy-timeout <duration>",
      "Maximum time to wait for the new target to become healthy",
      formatDuration(DEFAULT_DEPLOY_TIMEOUT_MS),
    )
    .option(
      "--drain-timeout <duration>",
      "Maximum time to allow existing connections to drain before removing old target",
      formatDuration(DEFAULT_DRAIN_TIMEOUT_MS),
    );
  addBoolean(deploy, "force", "Skip waiting for the new targets to become healthy", false);
  deploy.action(
    async (
      service: string,
      opts: { target: string[]; readTarget: string[]; deployTimeout: string; drainTimeout: string; force: boolean },
    ) => {
      if (opts.target.length === 0) throw new UsageError('required flag(s) "target" not set');
      await ctx.call({
        method: "rolloutDeploy",
        params: {
          service,
          targets: opts.target,
          readers: opts.readTarget,
          deployment: {
            deployTimeoutMs: durationFlag("deploy-timeout", opts.deployTimeout),
            drainTimeoutMs: durationFlag("drain-timeout", opts.drainTimeout),
            force: opts.force,
          },
        },
      });
    },
  );

  rollout
    .command("set")
    .description("Set the traffic split of a rollout")
    .argument("<service>", "service name")
    .option("--percent <n>", "Percentage of traffic (by kamal-rollout cookie) to send to the rollout", "0")
    .option("--list <value>", "kamal-rollout cookie values always sent to the rollout", collectSlice, [])
    .action(async (service: string, opts: { percent: string; list: string[] }, command: Command) => {
      if (!changed(command, "percent") && !changed(command, "list")) {
        throw new UsageError("at least one of the flags in the group [percent list] is required");
      }
      const percentage = intFlag("percent", opts.percent);
      if (percentage < 0 || percentage > 100) throw new UsageError("percent must be between 0 and 100");
      await ctx.call({ method: "rolloutSet", params: { service, percentage, allowlist: opts.list } });
    });

  rollout
    .command("stop")
    .description("Stop a rollout: send all traffic to the active targets")
    .argument("<service>", "service name")
    .action(async (service: string) => {
      await ctx.call({ method: "rolloutStop", params: { service } });
    });
}
