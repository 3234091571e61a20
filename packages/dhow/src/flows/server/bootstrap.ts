/**
 * @module
 * `server bootstrap` (Kamal's `Cli::Server#bootstrap`): with the lock, on every host without docker,
 * install it with get.docker.com when the login user is root or may sudo, and add a non-root user to the
 * docker group (then drop the SSH session so the group applies, Kamal #980). Hosts that cannot be set up
 * fail the command together; then the docker-setup hook runs.
 */
import * as dockerCommands from "../../commands/docker.js";
import { DhowError } from "../../errors.js";
import { RemoteError } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { runHook } from "../runtime/run-hook.js";
import { withLock } from "../runtime/with-lock.js";
import { forget, gatheredAnswer } from "../runtime/gather.js";

/** Installs docker where it is missing, then runs the docker-setup hook. */
export async function serverBootstrap(ctx: DeployContext): Promise<void> {
  await withLock(ctx, async () => {
    const missing: string[] = [];
    await on(ctx, ctx.selection.hosts, async (host) => {
      const installed =
        gatheredAnswer(ctx, host, dockerCommands.installed()) ??
        (await execute(ctx, host, dockerCommands.installed(), { allowFailure: true, readOnly: true }));
      forget(ctx, host, dockerCommands.installed());
      if (installed.exitCode === 0) return;
      if (
        (await execute(ctx, host, dockerCommands.superuser(), { allowFailure: true, readOnly: true })).exitCode !== 0
      ) {
        missing.push(host);
        return;
      }
      ctx.logger.forHost(host).info(`Missing Docker on ${host}. Installing…`);
      await execute(ctx, host, dockerCommands.install());
      const root = await execute(ctx, host, dockerCommands.root(), { allowFailure: true, readOnly: true });
      if (root.exitCode === 0) return;
      const member = await execute(ctx, host, dockerCommands.inDockerGroup(), { allowFailure: true, readOnly: true });
      if (member.exitCode === 0) return;
      await execute(ctx, host, dockerCommands.addToDockerGroup());
      try {
        await execute(ctx, host, dockerCommands.refreshSession(), { allowFailure: true });
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
      }
      ctx.logger.forHost(host).info("Session refreshed due to group change.");
    });
    if (missing.length > 0) {
      throw new DhowError(
        `Docker is not installed on ${missing.join(", ")} and can't be automatically installed without having root access and either \`wget\` or \`curl\`. Install Docker manually: https://docs.docker.com/engine/install/`,
      );
    }
    await runHook(ctx, "docker-setup");
  });
}
