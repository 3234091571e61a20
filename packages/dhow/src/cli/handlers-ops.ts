/**
 * @module
 * Handlers of the commands that operate servers outside the core deploy flows: `app` (all but boot),
 * `accessory`, `proxy` (all but boot, build and upgrade), `lock`, `server exec`, `details`, `audit` and
 * `remove`. Each maps its arguments and options to a flow. Interactive commands hand the terminal to
 * `ssh -t`; when ssh exits non-zero, dhow exits with the same code.
 */
import { bootAccessory } from "../flows/accessory-boot.js";
import { accessoryDetails } from "../flows/accessory-details.js";
import { accessoryDirectories } from "../flows/accessory-directories.js";
import { accessoryExec } from "../flows/accessory-exec.js";
import { accessoryLogs } from "../flows/accessory-logs.js";
import { accessoryPullImage } from "../flows/accessory-pull-image.js";
import { accessoryReboot } from "../flows/accessory-reboot.js";
import {
  accessoryRemove,
  removeAccessoryContainer,
  removeAccessoryImage,
  removeAccessoryServiceDirectory,
} from "../flows/accessory-remove.js";
import { accessoryRestart } from "../flows/accessory-restart.js";
import { accessoryStart } from "../flows/accessory-start.js";
import { accessoryStop } from "../flows/accessory-stop.js";
import { accessoryUpgrade } from "../flows/accessory-upgrade.js";
import { uploadAccessoryFiles } from "../flows/accessory-upload.js";
import { appContainers } from "../flows/app-containers.js";
import { appDetails } from "../flows/app-details.js";
import { appExec } from "../flows/app-exec.js";
import { appImages } from "../flows/app-images.js";
import { appLive } from "../flows/app-live.js";
import { type AppLogsOptions, appLogs } from "../flows/app-logs.js";
import { appMaintenance } from "../flows/app-maintenance.js";
import {
  appRemove,
  removeAppContainer,
  removeAppContainers,
  removeAppDirectories,
  removeAppImages,
} from "../flows/app-remove.js";
import { staleContainers } from "../flows/app-stale-containers.js";
import { appStart } from "../flows/app-start.js";
import { appStop } from "../flows/app-stop.js";
import { appVersion } from "../flows/app-version.js";
import { audit } from "../flows/audit.js";
import type { DeployContext } from "../flows/context.js";
import { details } from "../flows/details.js";
import { lockAcquire } from "../flows/lock-acquire.js";
import { lockRelease } from "../flows/lock-release.js";
import { lockStatus } from "../flows/lock-status.js";
import type { Confirm } from "../flows/ops-support.js";
import { proxyBootConfig } from "../flows/proxy-boot-config.js";
import { proxyDetails } from "../flows/proxy-details.js";
import { proxyLogs } from "../flows/proxy-logs.js";
import { proxyReboot } from "../flows/proxy-reboot.js";
import { proxyRemove, removeProxyContainer, removeProxyDirectory, removeProxyImage } from "../flows/proxy-remove.js";
import { proxyRestart } from "../flows/proxy-restart.js";
import { proxyStart } from "../flows/proxy-start.js";
import { proxyStop } from "../flows/proxy-stop.js";
import { remove } from "../flows/remove.js";
import { serverExec } from "../flows/server-exec.js";
import { proxyUpgrade, upgrade } from "../flows/upgrade.js";
import { DhowError } from "../errors.js";
import type { Handler, HandlerContext } from "./define-commands.js";
import type { FlowRunner } from "./flow-handler.js";
import { liveFlow } from "./handlers-deploy.js";
import { askYesNo } from "./yes-no-prompt.js";

/** An interactive command (ssh -t) ended with a non-zero status; dhow exits with the same status. */
export class InteractiveExitError extends DhowError {
  override readonly exitCode: number;
  constructor(status: number) {
    super(`ssh exited with status ${status}`);
    this.exitCode = status;
  }
}

/** What the handlers need from outside (replaced in tests). */
export interface OpsHandlerDeps {
  /** Turns a flow into a handler (default: `liveFlow`, a real context over SSH with live progress in a terminal). */
  readonly wrap?: (flow: FlowRunner) => Handler;
  /** The yes/no question of confirmed commands (default: Thor's prompt on stdin). */
  readonly confirm?: (command: HandlerContext) => Confirm;
}

/** The handlers by command path, built with `deps`. */
export function createOpsHandlers(deps: OpsHandlerDeps = {}): Record<string, Handler> {
  const wrap = deps.wrap ?? liveFlow;
  const confirmFor =
    deps.confirm ?? ((command: HandlerContext) => (question: string) => askYesNo(question, stdinPrompt(command)));
  /** A flow that resolves with an exit status (interactive ones). */
  const status = (flow: (ctx: DeployContext, command: HandlerContext) => Promise<number>): Handler =>
    wrap(async (ctx, command) => {
      const code = await flow(ctx, command);
      if (code !== 0) throw new InteractiveExitError(code);
    });
  const simple = (flow: (ctx: DeployContext) => Promise<void>): Handler => wrap((ctx) => flow(ctx));
  const named = (flow: (ctx: DeployContext, name: string) => Promise<void>): Handler =>
    wrap((ctx, { args }) => flow(ctx, word(args, 0)));
  const confirmation = (command: HandlerContext) => ({
    confirmed: flag(command.options, "confirmed"),
    confirm: confirmFor(command),
  });

  return {
    "app start": simple(appStart),
    "app stop": simple(appStop),
    "app details": simple(appDetails),
    "app exec": status((ctx, { args, options }) =>
      appExec(ctx, words(args, 0), {
        interactive: flag(options, "interactive"),
        reuse: flag(options, "reuse"),
        env: pairs(options, "env"),
        detach: flag(options, "detach"),
        raw: flag(options, "raw"),
      }),
    ),
    "app containers": simple(appContainers),
    "app stale_containers": wrap((ctx, { options }) => staleContainers(ctx, { stop: flag(options, "stop") })),
    "app images": simple(appImages),
    "app logs": status((ctx, { options }) =>
      appLogs(ctx, { ...logsOptions(options), containerId: text(options, "containerId") }),
    ),
    "app remove": simple(appRemove),
    "app live": simple(appLive),
    "app maintenance": wrap((ctx, { options }) =>
      appMaintenance(ctx, { drainTimeout: number(options, "drainTimeout"), message: text(options, "message") }),
    ),
    "app remove_container": wrap((ctx, { args }) => removeAppContainer(ctx, word(args, 0))),
    "app remove_containers": simple(removeAppContainers),
    "app remove_images": simple(removeAppImages),
    "app remove_app_directories": simple(removeAppDirectories),
    "app version": simple(appVersion),

    "accessory boot": named((ctx, name) => bootAccessory(ctx, name)),
    "accessory upload": named(uploadAccessoryFiles),
    "accessory directories": named(accessoryDirectories),
    "accessory reboot": named(accessoryReboot),
    "accessory start": named(accessoryStart),
    "accessory stop": named(accessoryStop),
    "accessory restart": named(accessoryRestart),
    "accessory details": named(accessoryDetails),
    "accessory exec": status((ctx, { args, options }) =>
      accessoryExec(ctx, word(args, 0), words(args, 1), {
        interactive: flag(options, "interactive"),
        reuse: flag(options, "reuse"),
        raw: flag(options, "raw"),
      }),
    ),
    "accessory logs": status((ctx, { args, options }) => accessoryLogs(ctx, word(args, 0), logsOptions(options))),
    "accessory remove": wrap((ctx, command) => accessoryRemove(ctx, word(command.args, 0), confirmation(command))),
    "accessory remove_container": named(removeAccessoryContainer),
    "accessory remove_image": named(removeAccessoryImage),
    "accessory remove_service_directory": named(removeAccessoryServiceDirectory),
    "accessory pull_image": named(accessoryPullImage),
    "accessory upgrade": wrap((ctx, command) =>
      accessoryUpgrade(ctx, word(command.args, 0), {
        rolling: flag(command.options, "rolling"),
        ...confirmation(command),
      }),
    ),

    upgrade: wrap((ctx, command) =>
      upgrade(ctx, { rolling: flag(command.options, "rolling"), ...confirmation(command) }),
    ),
    "proxy upgrade": wrap((ctx, command) =>
      proxyUpgrade(ctx, { rolling: flag(command.options, "rolling"), ...confirmation(command) }),
    ),
    "proxy reboot": wrap((ctx, command) =>
      proxyReboot(ctx, { rolling: flag(command.options, "rolling"), ...confirmation(command) }),
    ),
    "proxy start": simple(proxyStart),
    "proxy stop": simple(proxyStop),
    "proxy restart": simple(proxyRestart),
    "proxy details": simple(proxyDetails),
    "proxy logs": status((ctx, { options }) => proxyLogs(ctx, logsOptions(options))),
    "proxy remove": wrap((ctx, { options }) => proxyRemove(ctx, { force: flag(options, "force") })),
    "proxy remove_container": simple(removeProxyContainer),
    "proxy remove_image": simple(removeProxyImage),
    "proxy remove_proxy_directory": simple(removeProxyDirectory),
    "proxy boot_config": wrap((ctx, { args, options }) =>
      proxyBootConfig(ctx, word(args, 0), {
        publish: options["publish"] === undefined ? undefined : options["publish"] !== false,
        publishHostIp: list(options, "publishHostIp"),
        httpPort: number(options, "httpPort"),
        httpsPort: number(options, "httpsPort"),
        logMaxSize: text(options, "logMaxSize"),
        registry: text(options, "registry"),
        repository: text(options, "repository"),
        imageVersion: text(options, "imageVersion"),
        metricsPort: number(options, "metricsPort"),
        debug: flag(options, "debug"),
        dockerOptions: list(options, "dockerOptions"),
      }),
    ),

    "lock status": simple(lockStatus),
    "lock acquire": wrap((ctx, { options }) => lockAcquire(ctx, text(options, "message") ?? "")),
    "lock release": simple(lockRelease),

    "server exec": status((ctx, { args, options }) =>
      serverExec(ctx, words(args, 0), { interactive: flag(options, "interactive"), raw: flag(options, "raw") }),
    ),
    details: simple(details),
    audit: simple(audit),
    remove: wrap((ctx, command) => remove(ctx, confirmation(command))),
  };
}

/** The handlers of the operating commands, over SSH, asking on stdin. The lead merges them into HANDLERS. */
export const OPS_HANDLERS: Readonly<Record<string, Handler>> = createOpsHandlers();

/** The logs options every `logs` subcommand shares. */
function logsOptions(options: HandlerContext["options"]): Omit<AppLogsOptions, "containerId" | "handOver"> {
  return {
    since: text(options, "since"),
    lines: number(options, "lines"),
    grep: text(options, "grep"),
    grepOptions: text(options, "grepOptions"),
    follow: flag(options, "follow"),
    skipTimestamps: flag(options, "skipTimestamps"),
  };
}

function stdinPrompt(command: HandlerContext) {
  return { input: process.stdin, write: command.io.stdout };
}

function flag(options: HandlerContext["options"], key: string): boolean {
  return options[key] === true;
}

function text(options: HandlerContext["options"], key: string): string | undefined {
  const value = options[key];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

function number(options: HandlerContext["options"], key: string): number | undefined {
  const value = options[key];
  return typeof value === "number" ? value : typeof value === "string" && value !== "" ? Number(value) : undefined;
}

function list(options: HandlerContext["options"], key: string): string[] | undefined {
  const value = options[key];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" ? [value] : undefined;
}

function pairs(options: HandlerContext["options"], key: string): Record<string, string> | undefined {
  const value = options[key];
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, String(entry)]));
}

function word(args: HandlerContext["args"], index: number): string {
  const value = args[index];
  return Array.isArray(value) ? value.join(" ") : String(value ?? "");
}

function words(args: HandlerContext["args"], index: number): string[] {
  const value = args[index];
  if (Array.isArray(value)) return [...value];
  return typeof value === "string" ? [value] : [];
}
