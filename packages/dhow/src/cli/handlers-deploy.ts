/**
 * @module
 * The handlers of the deploy commands (setup, deploy, redeploy, rollback, build, registry, proxy boot and
 * build, app boot, prune, server bootstrap), by command path. Each runs its flow in a fresh context with
 * live progress when stdout is a terminal (`liveFlow`, which the operating commands' handlers use too). The lead merges these into HANDLERS.
 */
import { appBoot } from "../flows/app-boot.js";
import { buildCreate, buildDetails, buildRemove } from "../flows/build-builder.js";
import { buildDeliver } from "../flows/build-deliver.js";
import { buildDev } from "../flows/build-dev.js";
import { buildPull } from "../flows/build-pull.js";
import { buildPush } from "../flows/build-push.js";
import type { DeployContext } from "../flows/context.js";
import { deploy } from "../flows/deploy.js";
import { withLiveProgress } from "../flows/progress.js";
import { proxyBoot } from "../flows/proxy-boot.js";
import { proxyBuild } from "../flows/proxy-build.js";
import { pruneAll, pruneContainers, pruneImages } from "../flows/prune.js";
import { redeploy } from "../flows/redeploy.js";
import { registryLogout, registryRemove } from "../flows/registry-remove.js";
import { type RegistryScope, registryLogin, registrySetup } from "../flows/registry-setup.js";
import { rollback } from "../flows/rollback.js";
import { serverBootstrap } from "../flows/server-bootstrap.js";
import { setup } from "../flows/setup.js";
import type { Handler, HandlerContext } from "./define-commands.js";
import { withFlow } from "./flow-handler.js";

/** Handlers by command path (`"build push"`). */
export const DEPLOY_HANDLERS: Readonly<Record<string, Handler>> = {
  setup: liveFlow((ctx, { options }) => setup(ctx, deployOptions(options))),
  deploy: liveFlow((ctx, { options }) => deploy(ctx, deployOptions(options))),
  redeploy: liveFlow((ctx, { options }) => redeploy(ctx, deployOptions(options))),
  rollback: liveFlow(async (ctx, { args }) => {
    await rollback(ctx, String(args[0]));
  }),

  "build deliver": liveFlow((ctx) => buildDeliver(ctx)),
  "build push": liveFlow((ctx, { options }) =>
    buildPush(ctx, { output: stringOption(options, "output"), noCache: noCache(options) }),
  ),
  "build pull": liveFlow((ctx) => buildPull(ctx)),
  "build create": liveFlow((ctx) => buildCreate(ctx)),
  "build remove": liveFlow((ctx) => buildRemove(ctx)),
  "build details": liveFlow((ctx) => buildDetails(ctx)),
  "build dev": liveFlow((ctx, { options }) =>
    buildDev(ctx, { output: stringOption(options, "output"), noCache: noCache(options) }),
  ),

  "registry setup": liveFlow((ctx, { options }) => registrySetup(ctx, registryScope(options))),
  "registry remove": liveFlow((ctx, { options }) => registryRemove(ctx, registryScope(options))),
  "registry login": liveFlow((ctx, { options }) => registryLogin(ctx, registryScope(options))),
  "registry logout": liveFlow((ctx, { options }) => registryLogout(ctx, registryScope(options))),

  "proxy boot": liveFlow((ctx) => proxyBoot(ctx)),
  "proxy build": liveFlow(async (ctx, { options, io }) => {
    const image = await proxyBuild(ctx, { baseImage: stringOption(options, "baseImage") });
    io.stdout(`${image}\n`);
  }),
  "app boot": liveFlow((ctx) => appBoot(ctx)),

  "prune all": liveFlow((ctx) => pruneAll(ctx)),
  "prune images": liveFlow((ctx) => pruneImages(ctx)),
  "prune containers": liveFlow((ctx, { options }) =>
    pruneContainers(ctx, { retain: typeof options["retain"] === "number" ? options["retain"] : undefined }),
  ),

  "server bootstrap": liveFlow((ctx) => serverBootstrap(ctx)),
};

/** A flow handler whose context shows live progress in a terminal (plain progress lines when piped). */
export function liveFlow(flow: (ctx: DeployContext, command: HandlerContext) => Promise<unknown>): Handler {
  return withFlow(async (ctx, command) => {
    const progress = withLiveProgress(ctx, { live: command.io.isTTY, columns: terminalColumns(command) });
    try {
      await flow(progress.ctx, command);
    } finally {
      progress.stop();
    }
  });
}

function deployOptions(options: Readonly<Record<string, unknown>>) {
  return { skipPush: options["skipPush"] === true, noCache: noCache(options) };
}

/** commander turns `--no-cache` into `cache: false`. */
function noCache(options: Readonly<Record<string, unknown>>): boolean {
  return options["cache"] === false || options["noCache"] === true;
}

function registryScope(options: Readonly<Record<string, unknown>>): RegistryScope {
  return { skipLocal: options["skipLocal"] === true, skipRemote: options["skipRemote"] === true };
}

function stringOption(options: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function terminalColumns(command: HandlerContext): number {
  const columns = Number(command.io.env["COLUMNS"]);
  return Number.isFinite(columns) && columns > 20 ? columns : 100;
}
