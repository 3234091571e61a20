/**
 * @module
 * Test helpers for the operating flows' tests: the printed output without verbose command echoes, audit
 * and lock command strings at the fixed test clock, and a fake `ssh -t` runner. Used only by `*.test.ts`.
 */
import type { Logger } from "../output/logger.js";
import type { InteractiveRunner } from "../remote/interactive-ssh.js";

/** `mkdir -p .kamal && echo "[<fixed time>] [<performer>] <line>" >> .kamal/<svc>-audit.log` */
export function auditLine(line: string, { service = "app" }: { service?: string } = {}): string {
  return `mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] ${line}" >> .kamal/${service}-audit.log`;
}

/** The lock acquire command on the primary host (any details). */
export const LOCK_ACQUIRE = /^mkdir \.kamal\/lock-app && echo ".*" > \.kamal\/lock-app\/details$/s;
/** The lock release command. */
export const LOCK_RELEASE = "rm .kamal/lock-app/details && rm -r .kamal/lock-app";

/** What the user saw: the captured lines minus the `-v` command echoes. */
export function shown(logger: Logger & { readonly lines: string[] }): string[] {
  const out: string[] = [];
  let inEcho = false;
  for (const line of logger.lines) {
    if (line.startsWith("  Running ")) inEcho = true;
    if (!inEcho) out.push(line);
    // An echo may span lines (a lock's base64 payload); it ends with " on <host>".
    else if (/ on [^\s]+$/.test(line)) inEcho = false;
  }
  return out;
}

/** A fake interactive runner recording the command lines and answering with `exitCode`. */
export function fakeHandOver(exitCode = 0): InteractiveRunner & { readonly lines: string[] } {
  const lines: string[] = [];
  const runner = async (line: string) => {
    lines.push(line);
    return exitCode;
  };
  return Object.assign(runner, { lines });
}

/** Commands without the lock bookkeeping (`mkdir -p .kamal`, acquire, release). */
export function withoutLock(commands: readonly string[]): string[] {
  return commands.filter((command) => command !== "mkdir -p .kamal" && !command.includes(".kamal/lock-"));
}

/** A config like Kamal's dry-run trace (§5.2): web on two hosts behind the proxy, workers on a third. */
export const APP_CONFIG = {
  service: "app",
  image: "dhh/app",
  registry: { server: "ghcr.io", username: "dhh", password: "regpw" },
  builder: { arch: "amd64" },
  servers: { web: ["1.1.1.1", "1.1.1.2"], workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" } },
  proxy: { host: "app.example.com", app_port: 3000 },
  env: { clear: { RAILS_ENV: "production" } },
  volumes: ["app_storage:/rails/storage"],
} as const;

/** Matches Kamal's "current running version" query (any role). */
export function isCurrentVersionQuery(command: string): boolean {
  return command.includes("docker ps --latest") && command.includes("| head -1 | while read line");
}

/** Matches Kamal's "current running container id" query (any role). */
export function isCurrentContainerQuery(command: string): boolean {
  return command.includes("docker ps --latest --quiet") && command.endsWith("| head -1");
}

/** A config with two accessories: mysql on one host, a proxied busybox on two. */
export const ACCESSORY_CONFIG = {
  ...APP_CONFIG,
  accessories: {
    mysql: { image: "mysql:8.0", host: "1.1.1.5", port: "3306", directories: ["data:/var/lib/mysql"] },
    web2: { image: "busybox", hosts: ["1.1.1.1", "1.1.1.2"], proxy: { host: "two.example.com" } },
  },
} as const;

/**
 * The progress lines one host got (`<step>...`, `<step> done in Ns`), in order, without the host prefix and
 * with durations as `Ns`.
 */
export function progressLines(logger: { readonly lines: readonly string[] }, host: string): string[] {
  const prefix = `  ${host} `;
  return logger.lines
    .filter((line) => line.startsWith(prefix) && /(\.\.\.|done in \d+\.\ds)$/.test(line))
    .map((line) => line.slice(prefix.length).replace(/done in \d+\.\ds$/, "done in Ns"));
}
