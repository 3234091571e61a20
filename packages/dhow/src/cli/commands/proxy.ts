/**
 * @module
 * `dhow proxy …` (Kamal's `cli/proxy.rb`): boot, build (dhow's own), boot_config, reboot, upgrade, start,
 * stop, restart, details, logs, remove, and the hidden removal steps.
 */
import { confirmed, logsOptions, logsSettings, rolling } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";
import { exitOnStatus } from "../interactive-exit-error.js";

/** The commands of `dhow proxy`, in Kamal's `--help` order. */
export const PROXY_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "boot",
    description: "Boot proxy on servers",
    run: async ({ withContext }) => {
      const { proxyBoot } = await import("../../flows/proxy/boot.js");
      await withContext(proxyBoot);
    },
  }),
  defineCommand({
    name: "build",
    description: "Build the dhow-proxy image from the installed package and push it to the registry",
    options: [
      {
        flags: "--base-image <image>",
        description:
          "Node 20 runtime image to build on (default: $DHOW_PROXY_BASE_IMAGE, $DHOW_SANDBOX_NODE_IMAGE, node:20-slim)",
      },
    ],
    run: async ({ options, io, withContext }) => {
      const { proxyBuild } = await import("../../flows/proxy/build.js");
      await withContext(async (ctx) => {
        const image = await proxyBuild(ctx, { baseImage: options.baseImage || undefined });
        io.stdout(`${image}\n`);
      });
    },
  }),
  defineCommand({
    name: "boot_config",
    description: "Manage kamal-proxy boot configuration (deprecated: use proxy.run in config/deploy.yml)",
    args: ["<subcommand>"],
    options: [
      { flags: "--publish", description: "Publish the proxy ports on the host", default: true },
      {
        flags: "--publish-host-ip <ip...>",
        description: "Host IP address to bind HTTP/HTTPS traffic to. Defaults to all interfaces",
        type: "array",
      },
      { flags: "--http-port <port>", description: "HTTP port to publish on the host", default: 80, type: "numeric" },
      {
        flags: "--https-port <port>",
        description: "HTTPS port to publish on the host",
        default: 443,
        type: "numeric",
      },
      { flags: "--log-max-size <size>", description: "Max size of proxy logs", default: "10m" },
      { flags: "--registry <registry>", description: "Registry to use for the proxy image" },
      { flags: "--repository <repository>", description: "Repository for the proxy image" },
      { flags: "--image-version <version>", description: "Version of the proxy to run" },
      { flags: "--metrics-port <port>", description: "Port to report prometheus metrics on", type: "numeric" },
      { flags: "--debug", description: "Whether to run the proxy in debug mode", default: false },
      {
        flags: "--docker-options <option...>",
        description: "Docker options to pass to the proxy container",
        type: "array",
      },
    ],
    run: async ({ args: [subcommand], options, withContext }) => {
      const { proxyBootConfig } = await import("../../flows/proxy/boot-config.js");
      await withContext((ctx) => proxyBootConfig(ctx, subcommand, options));
    },
  }),
  defineCommand({
    name: "reboot",
    description: "Reboot proxy on servers (stop container, remove container, start new container)",
    options: [rolling, confirmed],
    run: async ({ options, confirm, withContext }) => {
      const { proxyReboot } = await import("../../flows/proxy/reboot.js");
      await withContext((ctx) => proxyReboot(ctx, { rolling: options.rolling, confirmed: options.confirmed, confirm }));
    },
  }),
  defineCommand({
    name: "upgrade",
    description:
      "Upgrade to kamal-proxy on servers (stop container, remove container, start new container, reboot app)",
    options: [rolling, confirmed],
    hidden: true,
    run: async ({ options, confirm, withContext }) => {
      const { proxyUpgrade } = await import("../../flows/proxy/upgrade.js");
      await withContext((ctx) =>
        proxyUpgrade(ctx, { rolling: options.rolling, confirmed: options.confirmed, confirm }),
      );
    },
  }),
  defineCommand({
    name: "start",
    description: "Start existing proxy container on servers",
    run: async ({ withContext }) => {
      const { proxyStart } = await import("../../flows/proxy/start.js");
      await withContext(proxyStart);
    },
  }),
  defineCommand({
    name: "stop",
    description: "Stop existing proxy container on servers",
    run: async ({ withContext }) => {
      const { proxyStop } = await import("../../flows/proxy/stop.js");
      await withContext(proxyStop);
    },
  }),
  defineCommand({
    name: "restart",
    description: "Restart existing proxy container on servers",
    run: async ({ withContext }) => {
      const { proxyRestart } = await import("../../flows/proxy/restart.js");
      await withContext(proxyRestart);
    },
  }),
  defineCommand({
    name: "details",
    description: "Show details about proxy container from servers",
    run: async ({ withContext }) => {
      const { proxyDetails } = await import("../../flows/proxy/details.js");
      await withContext(proxyDetails);
    },
  }),
  defineCommand({
    name: "logs",
    description: "Show log lines from proxy on servers",
    options: logsOptions,
    run: async ({ options, withContext }) => {
      const { proxyLogs } = await import("../../flows/proxy/logs.js");
      await withContext(async (ctx) => exitOnStatus(await proxyLogs(ctx, logsSettings(options))));
    },
  }),
  defineCommand({
    name: "remove",
    description: "Remove proxy container and image from servers",
    options: [{ flags: "--force", description: "Force removing proxy when apps are still installed", default: false }],
    run: async ({ options, withContext }) => {
      const { proxyRemove } = await import("../../flows/proxy/remove.js");
      await withContext((ctx) => proxyRemove(ctx, { force: options.force }));
    },
  }),
  defineCommand({
    name: "remove_container",
    description: "Remove proxy container from servers",
    hidden: true,
    run: async ({ withContext }) => {
      const { removeProxyContainer } = await import("../../flows/proxy/remove-container.js");
      await withContext(removeProxyContainer);
    },
  }),
  defineCommand({
    name: "remove_image",
    description: "Remove proxy image from servers",
    hidden: true,
    run: async ({ withContext }) => {
      const { removeProxyImage } = await import("../../flows/proxy/remove-image.js");
      await withContext(removeProxyImage);
    },
  }),
  defineCommand({
    name: "remove_proxy_directory",
    description: "Remove the proxy directory from servers",
    hidden: true,
    run: async ({ withContext }) => {
      const { removeProxyDirectory } = await import("../../flows/proxy/remove-proxy-directory.js");
      await withContext(removeProxyDirectory);
    },
  }),
];
