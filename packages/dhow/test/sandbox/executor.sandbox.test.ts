/**
 * The SSH executor against the sandbox's real sshd + dockerd servers (`npm run sandbox -- up`, then
 * `eval "$(npm run -s sandbox -- env)"`). Skipped unless DHOW_SANDBOX_HOSTS is set.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executorContract } from "../../src/testing/executor-contract.js";
import { onHosts } from "../../src/remote/on-hosts.js";
import { SshExecutor } from "../../src/remote/ssh-executor.js";

const env = process.env;
const hosts = (env["DHOW_SANDBOX_HOSTS"] ?? "").split(/\s+/).filter(Boolean);
const enabled = hosts.length >= 2 && Boolean(env["DHOW_SANDBOX_SSH_KEY"]);

/** Like a deploy.yml with `ssh: { user, keys: [key], config: false }`; host keys checked strictly. */
function sandboxExecutor(): SshExecutor {
  const key = env["DHOW_SANDBOX_SSH_KEY"]!;
  const knownHosts = join(dirname(key), "known_hosts");
  return new SshExecutor({
    user: env["DHOW_SANDBOX_SSH_USER"] ?? "root",
    keys: [key],
    keysOnly: true,
    config: false,
    agent: false,
    ...(existsSync(knownHosts) ? { knownHosts: [knownHosts], strictHostKeys: true } : { knownHosts: false }),
  });
}

describe.skipIf(!enabled)("sandbox", () => {
  executorContract("ssh (sandbox sshd)", () => ({
    executor: sandboxExecutor(),
    hosts,
    scratchDir: ".dhow-contract",
  }));

  describe("SshExecutor on sandbox servers", () => {
    let ssh: SshExecutor;
    beforeAll(() => {
      ssh = sandboxExecutor();
    });
    afterAll(() => ssh.close());

    it("reaches each server's own Docker engine", async () => {
      const results = await onHosts(hosts, (host) => ssh.run(host, "hostname && docker info --format '{{.Name}}'"));
      for (const [i, result] of results.entries()) {
        const [hostname, engine] = result.stdout.trim().split("\n");
        expect(engine).toBe(hostname);
        expect(hostname).toBe(`s${i + 1}`);
      }
    });

    it("logs in, pulls and runs the base image in one script per host", async () => {
      const registry = env["DHOW_SANDBOX_REGISTRY"]!;
      const image = env["DHOW_SANDBOX_BASE_IMAGE"]!;
      const results = await onHosts(hosts, (host) =>
        ssh.runScript(host, [
          {
            command: {
              command: `docker login ${registry} -u any -p secret-pw`,
              redacted: `docker login ${registry} -u any -p [REDACTED]`,
            },
          },
          { command: `docker pull -q ${image}` },
          { command: `docker run --rm ${image} sh -c 'wget --help 2>&1 | head -1; which httpd nc'` },
        ]),
      );
      for (const result of results) {
        expect(result.steps.map((s) => s.exitCode)).toEqual([0, 0, 0]);
        expect(result.steps[0]!.stdout).toContain("Login Succeeded");
        expect(result.steps[2]!.stdout).toMatch(/BusyBox[\s\S]*httpd[\s\S]*nc/);
      }
    }, 60_000);

    it("forwards a server port to this machine: docker pull through localhost (local registry mode)", async () => {
      const [registryHost, registryPort] = env["DHOW_SANDBOX_REGISTRY"]!.split(":");
      const path = env["DHOW_SANDBOX_BASE_IMAGE"]!.split("/").slice(1).join("/");
      const host = hosts[0]!;
      const forward = await ssh.forwardRemotePort(host, 5555, {
        localHost: registryHost!,
        localPort: Number(registryPort),
      });
      try {
        const pulled = await ssh.run(
          host,
          `docker pull -q localhost:5555/${path} && docker rmi -f localhost:5555/${path}`,
        );
        expect(pulled.stdout).toContain(`localhost:5555/${path}`);
      } finally {
        await forward.close();
      }
      const after = await ssh.run(host, `docker pull -q localhost:5555/${path}`, { allowFailure: true });
      expect(after.exitCode).not.toBe(0);
    }, 60_000);

    it("measures connection start and round trips (printed, not asserted)", async () => {
      const fresh = sandboxExecutor();
      const t0 = performance.now();
      await fresh.run(hosts[0]!, "true");
      const first = performance.now() - t0;
      const rounds: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await fresh.run(hosts[0]!, "true");
        rounds.push(performance.now() - t);
      }
      const t1 = performance.now();
      await fresh.run(hosts[0]!, "docker ps -q");
      const dockerPs = performance.now() - t1;
      const t2 = performance.now();
      await fresh.runScript(
        hosts[0]!,
        Array.from({ length: 8 }, () => ({ command: "docker ps -q" })),
      );
      const script8 = performance.now() - t2;
      await fresh.close();
      rounds.sort((a, b) => a - b);
      console.log(
        `sandbox ssh: first command (connect + exec) ${first.toFixed(0)} ms; pooled \`true\` median ` +
          `${rounds[10]!.toFixed(1)} ms (min ${rounds[0]!.toFixed(1)}); pooled \`docker ps\` ${dockerPs.toFixed(0)} ms; ` +
          `8×docker ps as one script ${script8.toFixed(0)} ms`,
      );
      expect(rounds).toHaveLength(20);
    });
  });
});
