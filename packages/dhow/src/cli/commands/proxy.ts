/**
 * @module
 * `dhow proxy …` (Kamal's `cli/proxy.rb`): boot, build (dhow's own), boot_config, reboot, upgrade, start,
 * stop, restart, details, logs, remove, and the hidden removal steps.
 */
import { proxyBoot } from "../../flows/proxy/boot.js";
import { proxyBootConfig } from "../../flows/proxy/boot-config.js";
import { proxyBuild } from "../../flows/proxy/build.js";
import { proxyDetails } from "../../flows/proxy/details.js";
import { proxyLogs } from "../../flows/proxy/logs.js";
import { proxyReboot } from "../../flows/proxy/reboot.js";
import { proxyRemove } from "../../flows/proxy/remove.js";
import { removeProxyContainer } from "../../flows/proxy/remove-container.js";
import { removeProxyDirectory } from "../../flows/proxy/remove-proxy-directory.js";
import { removeProxyImage } from "../../flows/proxy/remove-image.js";
import { proxyRestart } from "../../flows/proxy/restart.js";
import { proxyStart } from "../../flows/proxy/start.js";
import { proxyStop } from "../../flows/proxy/stop.js";
import { proxyUpgrade } from "../../flows/proxy/upgrade.js";
import { confirmed, logsOptions, logsSettings, rolling } from "../common-options.js";
import { defineCommand, defineGroup } from "../define-command.js";
import { exitOnStatus } from "../interactive-exit-error.js";

export const proxy = defineGroup({
  name: "proxy",
  description: "Manage kamal-proxy",
  subcommands: [
    defineCommand({
      name: "boot",
      description: "Boot proxy on servers",
      run: ({ withContext }) => withContext(proxyBoot),
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
      run: ({ options, io, withContext }) =>
        withContext(async (ctx) => {
          const image = await proxyBuild(ctx, { baseImage: options.baseImage || undefined });
          io.stdout(`${image}\n`);
        }),
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
      run: ({ args: [subcommand], options, withContext }) =>
        withContext((ctx) => proxyBootConfig(ctx, subcommand, options)),
    }),
    defineCommand({
      name: "reboot",
      description: "Reboot proxy on servers (stop container, remove container, start new container)",
      options: [rolling, confirmed],
      run: ({ options, confirm, withContext }) =>
        withContext((ctx) => proxyReboot(ctx, { rolling: options.rolling, confirmed: options.confirmed, confirm })),
    }),
    defineCommand({
      name: "upgrade",
      description:
        "Upgrade to kamal-proxy on servers (stop container, remove container, start new container, reboot app)",
      options: [rolling, confirmed],
      hidden: true,
      run: ({ options, confirm, withContext }) =>
        withContext((ctx) => proxyUpgrade(ctx, { rolling: options.rolling, confirmed: options.confirmed, confirm })),
    }),
    defineCommand({
      name: "start",
      description: "Start existing proxy container on servers",
      run: ({ withContext }) => withContext(proxyStart),
    }),
    defineCommand({
      name: "stop",
      description: "Stop existing proxy container on servers",
      run: ({ withContext }) => withContext(proxyStop),
    }),
    defineCommand({
      name: "restart",
      description: "Restart existing proxy container on servers",
      run: ({ withContext }) => withContext(proxyRestart),
    }),
    defineCommand({
      name: "details",
      description: "Show details about proxy container from servers",
      run: ({ withContext }) => withContext(proxyDetails),
    }),
    defineCommand({
      name: "logs",
      description: "Show log lines from proxy on servers",
      options: logsOptions,
      run: ({ options, withContext }) =>
        withContext(async (ctx) => exitOnStatus(await proxyLogs(ctx, logsSettings(options)))),
    }),
    defineCommand({
      name: "remove",
      description: "Remove proxy container and image from servers",
      options: [
        { flags: "--force", description: "Force removing proxy when apps are still installed", default: false },
      ],
      run: ({ options, withContext }) => withContext((ctx) => proxyRemove(ctx, { force: options.force })),
    }),
    defineCommand({
      name: "remove_container",
      description: "Remove proxy container from servers",
      hidden: true,
      run: ({ withContext }) => withContext(removeProxyContainer),
    }),
    defineCommand({
      name: "remove_image",
      description: "Remove proxy image from servers",
      hidden: true,
      run: ({ withContext }) => withContext(removeProxyImage),
    }),
    defineCommand({
      name: "remove_proxy_directory",
      description: "Remove the proxy directory from servers",
      hidden: true,
      run: ({ withContext }) => withContext(removeProxyDirectory),
    }),
  ],
});
