/**
 * @module
 * The command tree as data: each Kamal command with its arguments and options, so the tree, `--help` and the
 * tests come from one table. `define-commands.ts` turns it into commander commands.
 */

/** One option of a command, written as Kamal names it (dashes; Thor also accepts underscores). */
export interface OptionSpec {
  /** e.g. `-P, --skip-push` or `--since <since>` or `-e, --env <key:value...>` */
  readonly flags: string;
  readonly description: string;
  readonly default?: string | boolean | number;
  readonly required?: boolean;
  /** `numeric` options parse as numbers; `hash` ones collect `key:value` pairs. */
  readonly type?: "numeric" | "hash" | "array";
  readonly hidden?: boolean;
}

/** One command or command group. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  /** commander argument syntax: `<version>`, `[section]`, `<cmd...>` */
  readonly args?: readonly string[];
  readonly options?: readonly OptionSpec[];
  readonly aliases?: readonly string[];
  readonly hidden?: boolean;
  readonly subcommands?: readonly CommandSpec[];
}

const logsOptions: readonly OptionSpec[] = [
  {
    flags: "-s, --since <since>",
    description: "Show lines since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)",
  },
  { flags: "-n, --lines <lines>", description: "Number of lines to show from each server", type: "numeric" },
  {
    flags: "-g, --grep <grep>",
    description: "Show lines with grep match only (use this to fetch specific requests by id)",
  },
  { flags: "--grep-options <options>", description: "Additional options supplied to grep" },
  { flags: "-f, --follow", description: "Follow log on primary server (or specific host set by --hosts)" },
  { flags: "-T, --skip-timestamps", description: "Skip appending timestamps to logging output" },
];
const skipPush: OptionSpec = { flags: "-P, --skip-push", description: "Skip image build and push", default: false };
const noCache: OptionSpec = { flags: "--no-cache", description: "Build without using Docker's build cache" };
const confirmed: OptionSpec = {
  flags: "-y, --confirmed",
  description: "Proceed without confirmation question",
  default: false,
};
const rolling: OptionSpec = {
  flags: "--rolling",
  description: "Reboot proxy on hosts in sequence, rather than in parallel",
  default: false,
};
const interactive: OptionSpec = {
  flags: "-i, --interactive",
  description: "Execute command over ssh for an interactive shell (use for console/bash)",
  default: false,
};
const reuse: OptionSpec = {
  flags: "--reuse",
  description: "Reuse currently running container instead of starting a new one",
  default: false,
};
const raw: OptionSpec = {
  flags: "--raw",
  description: "Write the command's stdout byte-exact (no host headers)",
  default: false,
};
const registryScope: readonly OptionSpec[] = [
  { flags: "-L, --skip-local", description: "Skip local login", default: false },
  { flags: "-R, --skip-remote", description: "Skip remote login", default: false },
];

/** The whole `dhow` tree, matching Kamal 2.12's names, short flags and defaults. */
export const COMMAND_TREE: readonly CommandSpec[] = [
  {
    name: "setup",
    description: "Setup all accessories, push the env, and deploy app to servers",
    options: [skipPush, noCache],
  },
  { name: "deploy", description: "Deploy app to servers", options: [skipPush, noCache] },
  {
    name: "redeploy",
    description:
      "Deploy app to servers without bootstrapping servers, starting kamal-proxy, pruning, and registry login",
    options: [skipPush, noCache],
  },
  { name: "rollback", description: "Rollback app to VERSION", args: ["<version>"] },
  { name: "details", description: "Show details about all containers" },
  { name: "audit", description: "Show audit log from servers" },
  {
    name: "config",
    description: "Show combined config (secrets are never printed)",
    options: [{ flags: "--json", description: "Print the config as JSON instead of YAML", default: false }],
  },
  { name: "docs", description: "Show Kamal configuration documentation", args: ["[section]"] },
  {
    name: "init",
    description:
      "Create config stub in config/deploy.yml, secrets stub in .kamal/secrets and sample hooks in .kamal/hooks",
    options: [
      {
        flags: "--bundle",
        description: "Add Kamal to the Gemfile and create a bin/kamal binstub (not used by dhow)",
        default: false,
      },
    ],
  },
  {
    name: "remove",
    description: "Remove kamal-proxy, app, accessories, and registry session from servers",
    options: [confirmed],
  },
  {
    name: "upgrade",
    description: "Upgrade from Kamal 1.x to 2.0",
    options: [confirmed, { ...rolling, description: "Upgrade one host at a time" }],
  },
  { name: "version", description: "Show dhow's version (and the Kamal version it is compatible with)" },
  {
    name: "accessory",
    description: "Manage accessories (db/redis/search)",
    subcommands: [
      {
        name: "boot",
        description: "Boot new accessory service on host (use NAME=all to boot all accessories)",
        args: ["<name>"],
      },
      { name: "upload", description: "Upload accessory files to host", args: ["<name>"], hidden: true },
      { name: "directories", description: "Create accessory directories on host", args: ["<name>"], hidden: true },
      {
        name: "reboot",
        description:
          "Reboot existing accessory on host (stop container, remove container, start new container; use NAME=all to boot all accessories)",
        args: ["<name>"],
      },
      { name: "start", description: "Start existing accessory container on host", args: ["<name>"] },
      { name: "stop", description: "Stop existing accessory container on host", args: ["<name>"] },
      { name: "restart", description: "Restart existing accessory container on host", args: ["<name>"] },
      {
        name: "details",
        description: "Show details about accessory on host (use NAME=all to show all accessories)",
        args: ["<name>"],
      },
      {
        name: "exec",
        description: "Execute a custom command on servers within the accessory container (use --help to show options)",
        args: ["<name>", "<cmd...>"],
        options: [interactive, reuse, raw],
      },
      {
        name: "logs",
        description: "Show log lines from accessory on host (use --help to show options)",
        args: ["<name>"],
        options: logsOptions,
      },
      {
        name: "remove",
        description:
          "Remove accessory container, image and data directory from host (use NAME=all to remove all accessories)",
        args: ["<name>"],
        options: [confirmed],
      },
      { name: "remove_container", description: "Remove accessory container from host", args: ["<name>"], hidden: true },
      { name: "remove_image", description: "Remove accessory image from host", args: ["<name>"], hidden: true },
      {
        name: "remove_service_directory",
        description: "Remove accessory directory used for uploaded files and data directories from host",
        args: ["<name>"],
        hidden: true,
      },
      { name: "pull_image", description: "Pull accessory image on host", args: ["<name>"], hidden: true },
      {
        name: "upgrade",
        description: "Upgrade accessories from Kamal 1.x to 2.0 (restart them in 'kamal' network)",
        args: ["<name>"],
        options: [confirmed, { ...rolling, description: "Upgrade one host at a time" }],
      },
    ],
  },
  {
    name: "app",
    description: "Manage application",
    subcommands: [
      { name: "boot", description: "Boot app on servers (or reboot app if already running)" },
      { name: "start", description: "Start existing app container on servers" },
      { name: "stop", description: "Stop app container on servers" },
      { name: "details", description: "Show details about app containers" },
      {
        name: "exec",
        description: "Execute a custom command on servers within the app container (use --help to show options)",
        args: ["<cmd...>"],
        options: [
          interactive,
          reuse,
          {
            flags: "-e, --env <key:value>",
            description: "Set environment variables for the command (repeatable)",
            type: "hash",
          },
          { flags: "--detach", description: "Execute command in a detached container", default: false },
          raw,
        ],
      },
      { name: "containers", description: "Show app containers on servers" },
      {
        name: "stale_containers",
        description: "Detect app stale containers",
        options: [{ flags: "-s, --stop", description: "Stop the stale containers found", default: false }],
      },
      { name: "images", description: "Show app images on servers" },
      {
        name: "logs",
        description: "Show log lines from app on servers (use --help to show options)",
        options: [...logsOptions, { flags: "--container-id <id>", description: "Docker container ID to fetch logs" }],
      },
      { name: "remove", description: "Remove app containers and images from servers" },
      { name: "live", description: "Set the app to live mode" },
      {
        name: "maintenance",
        description: "Set the app to maintenance mode",
        options: [
          {
            flags: "--drain-timeout <seconds>",
            description: "How long to allow in-flight requests to complete (defaults to drain_timeout from config)",
            type: "numeric",
          },
          { flags: "--message <message>", description: "Message to display to clients while stopped" },
        ],
      },
      {
        name: "remove_container",
        description: "Remove app container with given version from servers",
        args: ["<version>"],
        hidden: true,
      },
      { name: "remove_containers", description: "Remove all app containers from servers", hidden: true },
      { name: "remove_images", description: "Remove all app images from servers", hidden: true },
      { name: "remove_app_directories", description: "Remove the app directories from servers", hidden: true },
      { name: "version", description: "Show app version currently running on servers" },
    ],
  },
  {
    name: "build",
    description: "Build application image",
    subcommands: [
      { name: "deliver", description: "Build app and push app image to registry then pull image on servers" },
      {
        name: "push",
        description: "Build and push app image to registry",
        options: [
          {
            flags: "--output <type>",
            description: "Docker buildx output type (registry, docker, …)",
            default: "registry",
          },
          noCache,
        ],
      },
      { name: "pull", description: "Pull app image from registry onto servers" },
      { name: "create", description: "Create a build setup" },
      { name: "remove", description: "Remove build setup" },
      { name: "details", description: "Show build setup" },
      {
        name: "dev",
        description: "Build using the working directory, tag it as dirty, and push to local image store.",
        options: [{ flags: "--output <type>", description: "Docker buildx output type", default: "docker" }, noCache],
      },
    ],
  },
  {
    name: "lock",
    description: "Manage the deploy lock",
    subcommands: [
      { name: "status", description: "Report lock status" },
      {
        name: "acquire",
        description: "Acquire the deploy lock",
        options: [{ flags: "-m, --message <message>", description: "A lock message", required: true }],
      },
      { name: "release", description: "Release the deploy lock" },
    ],
  },
  {
    name: "proxy",
    description: "Manage kamal-proxy",
    subcommands: [
      { name: "boot", description: "Boot proxy on servers" },
      {
        name: "build",
        description: "Build the dhow-proxy image from the installed package and push it to the registry",
        options: [
          {
            flags: "--base-image <image>",
            description:
              "Node 20 runtime image to build on (default: $DHOW_PROXY_BASE_IMAGE, $DHOW_SANDBOX_NODE_IMAGE, node:20-slim)",
          },
        ],
      },
      {
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
          {
            flags: "--http-port <port>",
            description: "HTTP port to publish on the host",
            default: 80,
            type: "numeric",
          },
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
      },
      {
        name: "reboot",
        description: "Reboot proxy on servers (stop container, remove container, start new container)",
        options: [rolling, confirmed],
      },
      {
        name: "upgrade",
        description:
          "Upgrade to kamal-proxy on servers (stop container, remove container, start new container, reboot app)",
        options: [rolling, confirmed],
        hidden: true,
      },
      { name: "start", description: "Start existing proxy container on servers" },
      { name: "stop", description: "Stop existing proxy container on servers" },
      { name: "restart", description: "Restart existing proxy container on servers" },
      { name: "details", description: "Show details about proxy container from servers" },
      { name: "logs", description: "Show log lines from proxy on servers", options: logsOptions },
      {
        name: "remove",
        description: "Remove proxy container and image from servers",
        options: [
          { flags: "--force", description: "Force removing proxy when apps are still installed", default: false },
        ],
      },
      { name: "remove_container", description: "Remove proxy container from servers", hidden: true },
      { name: "remove_image", description: "Remove proxy image from servers", hidden: true },
      { name: "remove_proxy_directory", description: "Remove the proxy directory from servers", hidden: true },
    ],
  },
  {
    name: "prune",
    description: "Prune old application images and containers",
    subcommands: [
      { name: "all", description: "Prune unused images and stopped containers" },
      { name: "images", description: "Prune unused images" },
      {
        name: "containers",
        description: "Prune all stopped containers, except the last n (default 5)",
        options: [{ flags: "--retain <n>", description: "Number of containers to retain", type: "numeric" }],
      },
    ],
  },
  {
    name: "registry",
    description: "Login and -out of the image registry",
    subcommands: [
      {
        name: "setup",
        description: "Setup local registry or log in to remote registry locally and remotely",
        options: registryScope,
      },
      {
        name: "remove",
        description: "Remove local registry or log out of remote registry locally and remotely",
        options: registryScope,
      },
      { name: "login", description: "Log in to remote registry locally and remotely", options: registryScope },
      { name: "logout", description: "Log out of remote registry locally and remotely", options: registryScope },
    ],
  },
  {
    name: "secrets",
    description: "Helpers for extracting secrets",
    subcommands: [
      {
        name: "fetch",
        description: "Fetch secrets from a vault",
        args: ["[secrets...]"],
        options: [
          { flags: "-a, --adapter <adapter>", description: "Which vault adapter to use", required: true },
          { flags: "--account <account>", description: "The account identifier or username" },
          { flags: "--from <from>", description: "A vault or folder to fetch the secrets from" },
          { flags: "--inline", description: "Output the secrets as a shell-escaped value", hidden: true },
        ],
      },
      {
        name: "extract",
        description: "Extract a single secret from the results of a fetch call",
        args: ["<name>", "<secrets>"],
        options: [{ flags: "--inline", description: "Output the secret as a shell-escaped value", hidden: true }],
      },
      { name: "print", description: "Print the secrets (for debugging)" },
    ],
  },
  {
    name: "server",
    description: "Bootstrap servers with curl and Docker",
    subcommands: [
      {
        name: "exec",
        description: "Run a custom command on the server (use --help to show options)",
        args: ["<cmd...>"],
        options: [interactive, raw],
      },
      { name: "bootstrap", description: "Set up Docker to run Kamal apps" },
    ],
  },
];
