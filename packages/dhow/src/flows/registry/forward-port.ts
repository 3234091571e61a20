/**
 * @module
 * Local registry mode (`registry.server: localhost:PORT`): while hosts pull, each host's 127.0.0.1:PORT is
 * forwarded over SSH to the registry on this machine (Kamal's `PortForwarding`, `ssh -R PORT:localhost:PORT`).
 */
import { DhowError } from "../../errors.js";
import type { RemoteForward } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";

/** How long to wait for every forward to be established (Kamal waits 30 s). */
export const FORWARD_TIMEOUT_MS = 30_000;

/** Runs `work` with the local registry port forwarded to `hosts` (directly when the registry is not local). */
export async function withRegistryForwards<T>(
  ctx: DeployContext,
  hosts: readonly string[],
  work: () => Promise<T>,
): Promise<T> {
  if (!ctx.config.registry.local || hosts.length === 0) return work();
  const port = ctx.config.registry.localPort;
  ctx.logger.say(`Setting up local registry port forwarding to ${hosts.join(", ")}...`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const opening = Promise.allSettled(hosts.map((host) => ctx.executor.forwardRemotePort(host, port)));
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), FORWARD_TIMEOUT_MS);
    timer.unref?.();
  });
  const settled = await Promise.race([opening, timeout]);
  clearTimeout(timer);
  if (settled === "timeout") {
    void opening.then((late) => closeAll(late));
    throw new DhowError("Timed out waiting for port forwarding to be established");
  }
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) {
    await closeAll(settled);
    const reason = (failed as PromiseRejectedResult).reason;
    throw new DhowError(`Error setting up port forwarding: ${reason instanceof Error ? reason.message : reason}`, {
      cause: reason,
    });
  }
  try {
    return await work();
  } finally {
    await closeAll(settled);
  }
}

async function closeAll(outcomes: readonly PromiseSettledResult<RemoteForward>[]): Promise<void> {
  await Promise.allSettled(
    outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.close() : Promise.resolve())),
  );
}
