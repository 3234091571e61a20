import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { withoutLock } from "../../testing/ops-fixtures.js";
import { serverBootstrap } from "./bootstrap.js";
import { recordingLocalRunner, testContext } from "../../testing/test-context.js";

const INSTALL = "sh -c 'curl -fsSL https://get.docker.com || wget -O - https://get.docker.com || echo \"exit 1\"' | sh";

describe("serverBootstrap", () => {
  it("leaves hosts with docker alone and runs the docker-setup hook", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-bootstrap-"));
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    writeFileSync(join(cwd, ".kamal/hooks/docker-setup"), "");
    const local = recordingLocalRunner();
    const ctx = testContext({ raw: TRACE_CONFIG, local, cwd });
    await serverBootstrap(ctx);
    expect(withoutLock(ctx.executor.commands("1.1.1.2"))).toEqual(["docker -v"]);
    expect(local.calls.map((call) => call.file)).toEqual([join(cwd, ".kamal/hooks/docker-setup")]);
  });

  it("installs docker as root, and adds a non-root user to the docker group", async () => {
    const executor = new RecordingExecutor()
      .respond("docker -v", { exitCode: 127 })
      .respond((request) => request.host === "1.1.1.2" && request.command === '[ "${EUID:-$(id -u)}" -eq 0 ]', {
        exitCode: 1,
      })
      .respond((request) => request.host === "1.1.1.2" && request.command.startsWith("id -nG"), { exitCode: 1 });
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    await serverBootstrap(ctx);
    expect(withoutLock(ctx.executor.commands("1.1.1.1"))).toEqual([
      "docker -v",
      '[ "${EUID:-$(id -u)}" -eq 0 ] || sudo -nl usermod >/dev/null',
      INSTALL,
      '[ "${EUID:-$(id -u)}" -eq 0 ]',
    ]);
    expect(withoutLock(ctx.executor.commands("1.1.1.2"))).toEqual([
      "docker -v",
      '[ "${EUID:-$(id -u)}" -eq 0 ] || sudo -nl usermod >/dev/null',
      INSTALL,
      '[ "${EUID:-$(id -u)}" -eq 0 ]',
      'id -nG "${USER:-$(id -un)}" | grep -qw docker',
      'sudo -n usermod -aG docker "${USER:-$(id -un)}"',
      "kill -HUP $PPID",
    ]);
  });

  it("fails for hosts where docker cannot be installed, after trying every host", async () => {
    const executor = new RecordingExecutor()
      .respond((request) => request.host !== "1.1.1.1" && request.command === "docker -v", { exitCode: 127 })
      .respond(/sudo -nl usermod/, { exitCode: 1 });
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    await expect(serverBootstrap(ctx)).rejects.toThrow(
      /^Docker is not installed on 1\.1\.1\.[23], 1\.1\.1\.[23] and can't be automatically installed/,
    );
    expect(ctx.executor.commands().some((command) => command.includes("get.docker.com"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe("rm .kamal/lock-app/details && rm -r .kamal/lock-app");
  });
});
