import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUILD_FACTS,
  fleetExecutor,
  instantTiming,
  localDocker,
  localLines,
  roundTripsTo,
  loginAndPull,
  TRACE_CONFIG,
} from "../../testing/deploy-fixtures.js";
import { LOCK_ACQUIRE, LOCK_RELEASE } from "../../testing/ops-fixtures.js";
import { setup } from "./setup.js";
import { testContext } from "../../testing/test-context.js";

describe("setup", () => {
  it("takes the lock first, checks for docker in the same script, then deploys once, holding the lock throughout", async () => {
    const local = localDocker();
    const ctx = testContext({ raw: TRACE_CONFIG, executor: fleetExecutor(), local, options: { command: "setup" } });
    await setup(ctx, { facts: BUILD_FACTS, timing: instantTiming(), skipProxyImage: true });
    const [first] = roundTripsTo(ctx.executor, "1.1.1.1");
    expect(first?.slice(0, 4)).toEqual([
      "mkdir -p .kamal",
      expect.stringMatching(LOCK_ACQUIRE),
      "docker -v",
      "docker network ls --format '{{.Name}}'",
    ]);
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary.filter((command) => LOCK_ACQUIRE.test(command))).toHaveLength(1);
    expect(primary.filter((command) => command === LOCK_RELEASE)).toEqual([LOCK_RELEASE]);
    expect(primary.at(-1)).toBe(LOCK_RELEASE);
    expect(roundTripsTo(ctx.executor, "1.1.1.3")[0]?.slice(0, 2)).toEqual(["mkdir -p .kamal", "docker -v"]);
    // Docker is there: nothing is installed, and the deploy logs in once per host, in its pull.
    expect(ctx.executor.commands().some((command) => command.includes("get.docker.com"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.3").filter((command) => command.includes("docker login"))).toHaveLength(1);
    expect(localLines(local)).toContain('docker login ghcr.io -u "dhh" -p "regpw"');
  });

  it("costs a single host with docker four round trips: lock and docker check, gather and pull, boot, clean-up", async () => {
    const raw = { ...TRACE_CONFIG, servers: ["1.1.1.1"] };
    const executor = fleetExecutor().respond("docker network ls --format '{{.Name}}'", { stdout: "kamal\ndhow\n" });
    const ctx = testContext({ raw, executor, local: localDocker(), options: { command: "setup" } });
    await setup(ctx, { facts: BUILD_FACTS, timing: instantTiming(), skipProxyImage: true });
    expect(ctx.executor.roundTrips()).toEqual([{ host: "1.1.1.1", exec: 4, sftp: 0 }]);
    const trips = roundTripsTo(ctx.executor, "1.1.1.1");
    expect(trips[0]?.slice(0, 3)).toEqual(["mkdir -p .kamal", expect.stringMatching(LOCK_ACQUIRE), "docker -v"]);
    // After the build the deploy reads the host again, and pulls in the same script (its preparation first).
    expect(trips[1]?.[1]).toBe("docker image rm --force ghcr.io/dhh/app:999");
    expect(trips[1]?.[2]).toBe("docker network ls --format '{{.Name}}'");
    expect(trips[1]?.at(-2)).toBe(loginAndPull());
    expect(trips[2]?.some((command) => command.startsWith("docker run"))).toBe(true);
    expect(trips[3]?.at(-1)).toBe(LOCK_RELEASE);
  });

  it("builds and pushes dhow's proxy image when the registry lacks it, before the app build", async () => {
    const local = localDocker({
      answer: (line) =>
        line.startsWith("docker manifest inspect") ? { exitCode: 1, stderr: "no such manifest" } : undefined,
    });
    const env = { DHOW_PROXY_PACKAGE_DIR: fakeProxyPackage(), DHOW_PROXY_BASE_IMAGE: "node:20" };
    const ctx = testContext({ raw: TRACE_CONFIG, executor: fleetExecutor(), local, env });
    await setup(ctx, { facts: BUILD_FACTS, timing: instantTiming() });
    const lines = localLines(local);
    const proxyBuild = lines.findIndex((line) => line.startsWith("docker build") && line.includes("dhow-proxy"));
    expect(lines.slice(proxyBuild - 2, proxyBuild + 2)).toEqual([
      "docker manifest inspect ghcr.io/dhh/dhow-proxy:v0.9.2",
      "docker manifest inspect --insecure ghcr.io/dhh/dhow-proxy:v0.9.2",
      expect.stringMatching(
        /^docker build --platform linux\/amd64 --build-arg NODE_IMAGE=node:20 -t ghcr\.io\/dhh\/dhow-proxy:v0\.9\.2 --file \S+\/proxy\/Dockerfile \S+\/proxy$/,
      ),
      "docker push ghcr.io/dhh/dhow-proxy:v0.9.2",
    ]);
    expect(lines.findIndex((line) => line.startsWith("docker buildx build"))).toBeGreaterThan(proxyBuild);
  });

  it("does not rebuild the proxy image the registry has, nor one chosen by proxy.run", async () => {
    const local = localDocker();
    const ctx = testContext({ raw: TRACE_CONFIG, executor: fleetExecutor(), local });
    await setup(ctx, { facts: BUILD_FACTS, timing: instantTiming() });
    expect(localLines(local).filter((line) => line.includes("dhow-proxy"))).toEqual([
      "docker manifest inspect ghcr.io/dhh/dhow-proxy:v0.9.2",
    ]);

    const kamalProxy = {
      ...TRACE_CONFIG,
      proxy: { ...TRACE_CONFIG.proxy, run: { repository: "basecamp/kamal-proxy" } },
    };
    const other = localDocker();
    await setup(testContext({ raw: kamalProxy, executor: fleetExecutor(), local: other }), {
      facts: BUILD_FACTS,
      timing: instantTiming(),
    });
    expect(localLines(other).some((line) => line.includes("manifest") || line.includes("dhow-proxy"))).toBe(false);
  });
});

/** A built proxy package as `dhow proxy build` expects it: a Dockerfile and dist/bin/dhow-proxy.js. */
function fakeProxyPackage(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "dhow-proxy-pkg-")), "proxy");
  mkdirSync(join(dir, "dist", "bin"), { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), "ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\n");
  writeFileSync(join(dir, "dist", "bin", "dhow-proxy.js"), "");
  return dir;
}
