/**
 * @module
 * `dhow proxy boot_config set|get|reset` (deprecated in Kamal 2.12 in favour of `proxy.run`): the legacy
 * files `.kamal/proxy/{options,image,image_version,run_command}` the proxy is started from when the config
 * has no `proxy.run`. `set` writes only what differs from the defaults (and removes the rest).
 */
import * as proxy from "../../commands/proxy.js";
import { writeFile } from "../../commands/write-file.js";
import {
  DEFAULT_PROXY_HTTP_PORT,
  DEFAULT_PROXY_HTTPS_PORT,
  DEFAULT_PROXY_LOG_MAX_SIZE,
  DEFAULT_PROXY_REPOSITORY,
  publishArgs,
} from "../../config/sections/proxy-boot.js";
import { UsageError } from "../../errors.js";
import { optionize } from "../../shell-escape.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, executeScript, type FlowStep, on } from "../runtime/execute.js";

/** Options of `boot_config set` (the CLI's flags, with Kamal's defaults). */
export interface ProxyBootConfigOptions {
  readonly publish?: boolean | undefined;
  readonly publishHostIp?: readonly string[] | undefined;
  readonly httpPort?: number | undefined;
  readonly httpsPort?: number | undefined;
  readonly logMaxSize?: string | undefined;
  readonly registry?: string | undefined;
  readonly repository?: string | undefined;
  readonly imageVersion?: string | undefined;
  readonly metricsPort?: number | undefined;
  readonly debug?: boolean | undefined;
  readonly dockerOptions?: readonly string[] | undefined;
}

/** Runs `boot_config <subcommand>` on the proxy hosts. */
export async function proxyBootConfig(
  ctx: DeployContext,
  subcommand: string,
  options: ProxyBootConfigOptions = {},
): Promise<void> {
  switch (subcommand) {
    case "set":
      return setBootConfig(ctx, options);
    case "get":
      await on(ctx, ctx.selection.proxyHosts, async (host) => {
        const current = await capture(ctx, host, proxy.bootConfig({ config: ctx.config, host }));
        ctx.logger.output(`Host ${host}: ${current}\n`);
      });
      return;
    case "reset":
      await on(ctx, ctx.selection.proxyHosts, async (host) => {
        const target = { config: ctx.config, host };
        const resets = [proxy.resetBootOptions, proxy.resetImage, proxy.resetImageVersion, proxy.resetRunCommand];
        await executeScript(
          ctx,
          host,
          resets.map((reset) => ({ command: reset(target), allowFailure: true })),
        );
      });
      return;
    default:
      throw new UsageError(`Unknown boot_config subcommand ${subcommand}`);
  }
}

/** The four files' contents for `set` (undefined = the default, so the file is removed). */
export function bootConfigFiles(
  options: ProxyBootConfigOptions,
  defaults: { readonly bootOptions: readonly string[]; readonly image: string },
): { options?: string; image?: string; imageVersion?: string; runCommand?: string } {
  const bootOptions = [
    ...((options.publish ?? true)
      ? [
          publishArgs(
            options.httpPort ?? DEFAULT_PROXY_HTTP_PORT,
            options.httpsPort ?? DEFAULT_PROXY_HTTPS_PORT,
            options.publishHostIp && options.publishHostIp.length > 0 ? options.publishHostIp : undefined,
          ),
        ]
      : []),
    "--log-opt",
    `max-size=${options.logMaxSize ?? DEFAULT_PROXY_LOG_MAX_SIZE}`,
    ...(options.metricsPort !== undefined ? [`--expose=${options.metricsPort}`] : []),
    ...(options.dockerOptions ?? []).map((option) => `--${option}`),
  ];
  const [repositoryName, imageName] = splitRepository(DEFAULT_PROXY_REPOSITORY);
  const image = [options.registry || undefined, options.repository || repositoryName, imageName]
    .filter((part) => part !== undefined)
    .join("/");
  const runOptions = new Map<string, unknown>([
    ["debug", options.debug ? true : undefined],
    ["metrics-port", options.metricsPort],
  ]);
  const runArgs = optionize(runOptions);
  const sameOptions =
    bootOptions.length === defaults.bootOptions.length &&
    bootOptions.every((part, i) => part === defaults.bootOptions[i]);
  return {
    ...(sameOptions ? {} : { options: bootOptions.join(" ") }),
    ...(image === defaults.image ? {} : { image }),
    ...(options.imageVersion ? { imageVersion: options.imageVersion } : {}),
    ...(runArgs.length > 0 ? { runCommand: `kamal-proxy run ${runArgs.join(" ")}` } : {}),
  };
}

async function setBootConfig(ctx: DeployContext, options: ProxyBootConfigOptions): Promise<void> {
  const boot = ctx.config.proxyBoot;
  const files = bootConfigFiles(options, { bootOptions: boot.defaultBootOptions, image: boot.imageDefault });
  // One script per host: each file written by a command of it (commands/write-file.ts), not an SFTP session.
  await on(ctx, ctx.selection.proxyHosts, async (host) => {
    const target = { config: ctx.config, host };
    const entries = [
      [files.options, boot.optionsFile, proxy.resetBootOptions],
      [files.image, boot.imageFile, proxy.resetImage],
      [files.imageVersion, boot.imageVersionFile, proxy.resetImageVersion],
      [files.runCommand, boot.runCommandFile, proxy.resetRunCommand],
    ] as const;
    await executeScript(ctx, host, [
      { command: proxy.ensureProxyDirectory(target) },
      ...entries.map(
        ([content, file, reset]): FlowStep =>
          content === undefined
            ? { command: reset(target), allowFailure: true }
            : { command: writeFile(file, content) },
      ),
    ]);
  });
}

function splitRepository(repository: string): [string, string] {
  const index = repository.lastIndexOf("/");
  return [repository.slice(0, index), repository.slice(index + 1)];
}
