import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localRunner } from "../../remote/local.js";
import { auditLine, APP_CONFIG, LOCK_ACQUIRE, LOCK_RELEASE, withoutLock } from "../../testing/ops-fixtures.js";
import { proxyReboot } from "./reboot.js";
import { testContext } from "../../testing/test-context.js";

/**
 * Without `proxy.run`, the proxy starts from the legacy boot files, with dhow's own proxy image as the
 * default image: what `dhow proxy reboot` sends (the context is built like the CLI's, one Config per run).
 */
const PROXY_RUN =
  'echo $(cat .kamal/proxy/options 2> /dev/null || echo "--publish 80:80 --publish 443:443 --log-opt max-size=10m") $(cat .kamal/proxy/image 2> /dev/null || echo "ghcr.io/dhh/dhow-proxy"):$(cat .kamal/proxy/image_version 2> /dev/null || echo "v0.9.2") $(cat .kamal/proxy/run_command 2> /dev/null || echo "") | xargs docker run --name kamal-proxy --network kamal --detach --restart unless-stopped --volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy --volume $PWD/.kamal/proxy/apps-config:/home/kamal-proxy/.apps-config';

/** A project whose proxy-reboot hooks append "<hook> <KAMAL_HOSTS>" to a log file. */
function projectWithHooks() {
  const cwd = mkdtempSync(join(tmpdir(), "dhow-proxy-"));
  mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
  for (const hook of ["pre-proxy-reboot", "post-proxy-reboot"]) {
    const file = join(cwd, ".kamal/hooks", hook);
    writeFileSync(file, `#!/bin/sh\necho "${hook} $KAMAL_HOSTS" >> "${join(cwd, "hooks.log")}"\n`);
    chmodSync(file, 0o755);
  }
  return cwd;
}

describe("proxyReboot", () => {
  it("asks, then per host: login, stop, prune, mkdir, run — between the proxy-reboot hooks (§5.7)", async () => {
    const cwd = projectWithHooks();
    const ctx = testContext({ raw: APP_CONFIG, cwd, local: localRunner, env: { PATH: process.env["PATH"] } });
    const questions: string[] = [];
    await proxyReboot(ctx, {
      confirm: async (question) => {
        questions.push(question);
        return true;
      },
    });
    expect(questions).toEqual(["This will cause a brief outage on each host. Are you sure?"]);
    expect(withoutLock(ctx.executor.commands("1.1.1.2"))).toEqual([
      auditLine("Rebooted proxy"),
      "docker login ghcr.io -u [REDACTED] -p [REDACTED]",
      "docker container stop kamal-proxy",
      "docker container prune --force --filter label=org.opencontainers.image.title=kamal-proxy",
      "mkdir -p .kamal/proxy/apps-config",
      PROXY_RUN,
    ]);
    expect(withoutLock(ctx.executor.commands("1.1.1.3"))).toEqual([]);
    expect(ctx.executor.commands("1.1.1.1")[1]).toMatch(LOCK_ACQUIRE);
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
    expect(readFileSync(join(cwd, "hooks.log"), "utf8")).toBe(
      "pre-proxy-reboot 1.1.1.1,1.1.1.2\npost-proxy-reboot 1.1.1.1,1.1.1.2\n",
    );
  });

  it("--rolling: one host at a time, hooks around each", async () => {
    const cwd = projectWithHooks();
    const ctx = testContext({ raw: APP_CONFIG, cwd, local: localRunner, env: { PATH: process.env["PATH"] } });
    await proxyReboot(ctx, { rolling: true, confirmed: true });
    expect(readFileSync(join(cwd, "hooks.log"), "utf8")).toBe(
      [
        "pre-proxy-reboot 1.1.1.1",
        "post-proxy-reboot 1.1.1.1",
        "pre-proxy-reboot 1.1.1.2",
        "post-proxy-reboot 1.1.1.2",
        "",
      ].join("\n"),
    );
  });

  it("stops when the answer is no", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await proxyReboot(ctx, { confirm: async () => false });
    expect(ctx.executor.calls).toEqual([]);
  });

  it("a failing pre-proxy-reboot hook aborts before touching the hosts and releases the lock", async () => {
    const cwd = projectWithHooks();
    writeFileSync(join(cwd, ".kamal/hooks/pre-proxy-reboot"), "#!/bin/sh\nexit 3\n");
    const ctx = testContext({ raw: APP_CONFIG, cwd, local: localRunner, env: { PATH: process.env["PATH"] } });
    await expect(proxyReboot(ctx, { confirmed: true })).rejects.toThrow("Hook `pre-proxy-reboot` failed");
    expect(withoutLock(ctx.executor.commands())).toEqual([]);
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
  });
});
