/**
 * @module
 * Checks several scenarios share: what the proxies serve, which app containers run, what the audit log
 * and the lock look like on a server.
 */
import { check, expectEqual, ScenarioFailure } from "./assert.js";
import { request } from "./http.js";
import type { ContainerInfo, Sandbox } from "./sandbox.js";

/** The body of GET /version through the proxy of `host` (trimmed); fails on a non-200 answer. */
export async function servedVersion(
  host: string,
  options: { hostHeader?: string; path?: string } = {},
): Promise<string> {
  const path = options.path ?? "/version";
  const res = await request(host, path, options.hostHeader ? { host: options.hostHeader } : {});
  if (res.status !== 200) {
    throw new ScenarioFailure(
      `GET http://${host}${path}${options.hostHeader ? ` (Host: ${options.hostHeader})` : ""} answered ${res.status}: ${res.body.trim().slice(0, 300)}`,
    );
  }
  return res.body.trim();
}

/** Every host's proxy serves `expected` at /version right now. */
export async function expectServing(
  hosts: readonly string[],
  expected: string,
  options: { hostHeader?: string } = {},
): Promise<void> {
  for (const host of hosts) expectEqual(await servedVersion(host, options), expected, `version served by ${host}`);
}

/** The app containers of `service` on a server (label service=<service>), optionally of one role. */
export async function appContainers(
  sandbox: Sandbox,
  host: string,
  service: string,
  role?: string,
): Promise<ContainerInfo[]> {
  return (await sandbox.containers(host)).filter(
    (c) => c.labels["service"] === service && (role === undefined || c.labels["role"] === role),
  );
}

/** Names of the running containers of `service`/`role` on a server, sorted. */
export async function runningNames(sandbox: Sandbox, host: string, service: string, role?: string): Promise<string[]> {
  return (await appContainers(sandbox, host, service, role))
    .filter((c) => c.state === "running")
    .map((c) => c.name)
    .sort();
}

/** Exactly one container of the role runs on each host, and it is `<service>-<role>[-dest]-<version>`. */
export async function expectRunningVersion(
  sandbox: Sandbox,
  hosts: readonly string[],
  { service, role, version, destination }: { service: string; role: string; version: string; destination?: string },
): Promise<void> {
  const name = `${service}-${role}${destination ? `-${destination}` : ""}-${version}`;
  for (const host of hosts) {
    expectEqual(
      await runningNames(sandbox, host, service, role),
      [name],
      `running ${service} ${role} containers on ${host}`,
    );
  }
}

/** The lines of `.kamal/<service>[-dest]-audit.log` on a server (empty when there is none). */
export async function auditLines(sandbox: Sandbox, host: string, auditName: string): Promise<string[]> {
  const result = await sandbox.sshResult(host, `cat .kamal/${auditName}-audit.log`);
  return result.code === 0 ? result.stdout.split("\n").filter(Boolean) : [];
}

/** No deploy lock is held for `lockName` (`app`, `app-staging`) on the host. */
export async function expectNoLock(sandbox: Sandbox, host: string, lockName: string): Promise<void> {
  check(!(await sandbox.exists(host, `.kamal/lock-${lockName}`)), `.kamal/lock-${lockName} still exists on ${host}`);
}

/** A 12-hex-prefixed container ID of a named container, or "" when there is none. */
export async function containerId(sandbox: Sandbox, host: string, name: string): Promise<string> {
  return (await sandbox.ssh(host, `docker container ls --all --quiet --filter name=^${name}$`)).trim();
}
