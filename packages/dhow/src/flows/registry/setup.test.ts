import { describe, expect, it } from "vitest";
import { UsageError } from "../../errors.js";
import { localDocker, localLines, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { registryRemove } from "./remove.js";
import { registryLogout } from "./logout.js";
import { registrySetup } from "./setup.js";
import { registryLogin } from "./login.js";
import { testContext } from "../../testing/test-context.js";
import { PlanRecorder } from "../../remote/dry-run-executor.js";

const LOCAL = { ...TRACE_CONFIG, registry: { server: "localhost:5555" } };

describe("registry commands", () => {
  it("logs in locally and on every host, honouring --skip-local and --skip-remote", async () => {
    const local = localDocker();
    const ctx = testContext({ raw: TRACE_CONFIG, local });
    await registryLogin(ctx);
    expect(localLines(local)).toEqual([
      "docker --version && docker buildx version",
      'docker login ghcr.io -u "dhh" -p "regpw"',
    ]);
    expect(ctx.executor.commands()).toEqual(Array(3).fill("docker login ghcr.io -u [REDACTED] -p [REDACTED]"));

    const remoteOnly = localDocker();
    const other = testContext({ raw: TRACE_CONFIG, local: remoteOnly });
    await registrySetup(other, { skipLocal: true });
    expect(localLines(remoteOnly)).toEqual([]);
    await registryLogout(other, { skipRemote: true });
    expect(localLines(remoteOnly)).toEqual(["docker logout ghcr.io"]);
    expect(other.executor.commands()).not.toContain("docker logout ghcr.io");
  });

  it("starts and removes the local registry container in local registry mode", async () => {
    const local = localDocker();
    const ctx = testContext({ raw: LOCAL, local });
    await registrySetup(ctx);
    await registryRemove(ctx);
    expect(localLines(local).slice(1)).toEqual([
      "docker start kamal-docker-registry || docker run --detach -p 127.0.0.1:5555:5000 --name kamal-docker-registry registry:3",
      "docker stop kamal-docker-registry && docker rm kamal-docker-registry",
    ]);
    expect(ctx.executor.commands()).toEqual([]);
  });

  it("refuses login and logout with a local registry", async () => {
    const ctx = testContext({ raw: LOCAL, local: localDocker() });
    await expect(registryLogin(ctx)).rejects.toThrow(UsageError);
    await expect(registryLogout(ctx)).rejects.toThrow(
      "Cannot use logout command with a local registry. Use `dhow registry remove` instead.",
    );
  });

  it("--dry-run records the local login and logout instead of running them; the docker check still runs", async () => {
    const local = localDocker();
    const plan = new PlanRecorder({ offline: true });
    const ctx = testContext({ raw: TRACE_CONFIG, local, plan });
    await registryLogin(ctx);
    await registryLogout(ctx, { skipRemote: true });
    expect(localLines(local)).toEqual(["docker --version && docker buildx version"]);
    expect(plan.entries).toEqual([
      { kind: "local", text: "docker login ghcr.io -u [REDACTED] -p [REDACTED]" },
      { kind: "local", text: "docker logout ghcr.io" },
    ]);
  });
});
