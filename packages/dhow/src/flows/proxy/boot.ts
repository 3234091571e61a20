/**
 * @module
 * `proxy boot` (Kamal's `Cli::Proxy#boot`): with the lock, create the `kamal` network on every host
 * ("already exists" is fine), then on each proxy host: registry login, refuse a running proxy older than
 * v0.9.2, ensure the apps-config directory, and `docker container start kamal-proxy || docker run …`.
 * The image is dhow's own proxy unless `proxy.run` chooses another (see `config/sections/proxy-boot.ts`).
 */
import * as proxy from "../../commands/proxy.js";
import { compareGemVersions } from "../../config/gem-version.js";
import { PROXY_MINIMUM_VERSION } from "../../config/sections/proxy-boot.js";
import { DhowError } from "../../errors.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";
import { executeLater, executeScript, on } from "../runtime/execute.js";
import { captureFact, gatheredAnswer } from "../runtime/gather.js";
import { ensureKamalNetwork } from "../runtime/kamal-network.js";
import { registryLoginSteps } from "../build/pull.js";
import { withRegistryForwards } from "../registry/forward-port.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** What `proxy boot` found and did on one host. */
export interface ProxyBootOutcome {
  readonly host: string;
  /** The image tag of the proxy container that existed before (running or stopped), if any. */
  readonly previousVersion: string | undefined;
  /** `started`: no proxy container existed, one was run; `kept`: the existing one was started (or kept running). */
  readonly state: "started" | "kept";
}

/** Ensures the network and a running proxy of a supported version on the proxy hosts. */
export async function proxyBoot(ctx: DeployContext): Promise<ProxyBootOutcome[]> {
  requireSecrets(ctx, { registry: true });
  return withLock(ctx, async () => {
    const config = ctx.config;
    await on(ctx, ctx.selection.hosts, (host) => ensureKamalNetwork(ctx, host));
    const proxyHosts = ctx.selection.proxyHosts;
    // A dhow proxy image in a local registry is pulled through the forwarded registry port.
    const forwardTo = config.registry.local && proxyHosts.some((host) => config.runsDhowProxy(host)) ? proxyHosts : [];
    return withRegistryForwards(ctx, forwardTo, () =>
      on(ctx, proxyHosts, (host) =>
        progressOf(ctx).track({ label: "boot proxy", host }, async () => {
          const target = { config, host };
          const version = await captureFact(ctx, host, proxy.version(target));
          if (version && isOlderProxy(version)) {
            throw new DhowError(
              `kamal-proxy version ${version} is too old, run \`dhow proxy reboot\` in order to update to at least ${PROXY_MINIMUM_VERSION}`,
            );
          }
          // The gather step saw the proxy running: `docker container start` would do nothing (dhow only).
          const running = gatheredProxyState(ctx, host)?.running === true;
          const steps = [
            ...registryLoginSteps(ctx, host),
            { command: proxy.ensureAppsConfigDirectory(target) },
            ...(running
              ? []
              : [
                  {
                    command: proxy.startOrRun(target),
                    explain: (error: CommandFailedError) => withProxyImageHint(ctx, host, error),
                  },
                ]),
          ];
          // Through a forwarded local registry the image is pulled now, while the forward is open.
          if (forwardTo.length > 0)
            await executeScript(ctx, host, steps).catch((error) => {
              throw withProxyImageHint(ctx, host, error);
            });
          else await executeLater(ctx, host, steps, { purpose: "make sure kamal-proxy runs" });
          return { host, previousVersion: version || undefined, state: version ? "kept" : "started" } as const;
        }),
      ),
    );
  });
}

/** The proxy container as the deploy's gather step saw it on `host` (undefined: not gathered, or no container). */
export function gatheredProxyState(ctx: DeployContext, host: string): proxy.ProxyState | undefined {
  const answer = gatheredAnswer(ctx, host, proxy.state({ config: ctx.config, host }));
  return answer ? proxy.parseState(answer) : undefined;
}

/** A failed pull of dhow's own proxy image gets a hint: the image is built by `dhow proxy build`. */
function withProxyImageHint(ctx: DeployContext, host: string, error: unknown): Error {
  const missing = /manifest unknown|not found|No such image|pull access denied/i;
  if (!(error instanceof CommandFailedError) || !ctx.config.runsDhowProxy(host) || !missing.test(error.stderr)) {
    return error as Error;
  }
  return new DhowError(
    `${error.message}\nThe proxy image ${ctx.config.proxyBoot.dhowImage.image} is dhow's own: build and push it with \`dhow proxy build\` (\`dhow setup\` does when it is missing)`,
    { cause: error },
  );
}

/** Whether a running proxy's tag is below kamal-proxy's minimum (RubyGems ordering, `v` prefix ignored). */
export function isOlderProxy(version: string, minimum: string = PROXY_MINIMUM_VERSION): boolean {
  try {
    return compareGemVersions(version.replace(/^v/, ""), minimum.replace(/^v/, "")) < 0;
  } catch (error) {
    throw new DhowError(
      `kamal-proxy version ${version} cannot be compared with ${minimum} (${(error as Error).message}); run \`dhow proxy reboot\``,
      { cause: error },
    );
  }
}
