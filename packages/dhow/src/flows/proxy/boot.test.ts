import { describe, expect, it } from "vitest";
import { DhowError } from "../../errors.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { roundTripsTo, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { flushPending } from "../runtime/execute.js";
import { gatherFacts } from "../runtime/gather.js";
import { withoutLock } from "../../testing/ops-fixtures.js";
import { isOlderProxy, proxyBoot } from "./boot.js";
import { testContext } from "../../testing/test-context.js";

const KAMAL_PROXY_RUN =
  "docker container start kamal-proxy || docker run --name kamal-proxy --network kamal --detach --restart unless-stopped --volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy --volume $PWD/.kamal/proxy/apps-config:/home/kamal-proxy/.apps-config --publish 80:80 --publish 443:443 --log-opt max-size=10m basecamp/kamal-proxy:v0.9.2 kamal-proxy run";

describe("proxyBoot", () => {
  it("creates the network on every host (existing is fine) and boots the proxy on proxy hosts", async () => {
    const executor = new RecordingExecutor()
      .respond("docker network create kamal", {
        exitCode: 1,
        stderr: "Error response from daemon: network with name kamal already exists",
      })
      .respond(({ host, command }) => host === "1.1.1.1" && command.startsWith("docker inspect kamal-proxy"), {
        stdout: "v0.9.2\n",
      });
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    const outcomes = await proxyBoot(ctx);
    expect(outcomes).toEqual([
      { host: "1.1.1.1", previousVersion: "v0.9.2", state: "kept" },
      { host: "1.1.1.2", previousVersion: undefined, state: "started" },
    ]);
    expect(withoutLock(ctx.executor.commands("1.1.1.3"))).toEqual(["docker network create kamal"]);
    // Without a gather step: the version is asked first, then login, directory and start go as one script.
    expect(withoutLock(ctx.executor.commands("1.1.1.2"))).toEqual([
      "docker network create kamal",
      "docker inspect kamal-proxy --format '{{.Config.Image}}' | awk -F: '{print $NF}'",
      "docker login ghcr.io -u [REDACTED] -p [REDACTED]",
      "mkdir -p .kamal/proxy/apps-config",
      expect.stringContaining('echo "ghcr.io/dhh/dhow-proxy"'),
    ]);
    expect(roundTripsTo(ctx.executor, "1.1.1.2").at(-1)).toEqual([
      "docker login ghcr.io -u [REDACTED] -p [REDACTED]",
      "mkdir -p .kamal/proxy/apps-config",
      expect.stringContaining('echo "ghcr.io/dhh/dhow-proxy"'),
    ]);
  });

  it("after a gather step still starts a proxy container that exists but is stopped", async () => {
    const executor = new RecordingExecutor().respond(
      ({ command }) => command.startsWith("docker inspect kamal-proxy"),
      { stdout: "ghcr.io/dhh/dhow-proxy:v0.9.2 false on\n" },
    );
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    await gatherFacts(ctx, ctx.selection.hosts);
    ctx.state.holdingLock = true;
    const outcomes = await proxyBoot(ctx);
    expect(outcomes[0]).toEqual({ host: "1.1.1.1", previousVersion: "v0.9.2", state: "kept" });
    await flushPending(ctx);
    expect(roundTripsTo(ctx.executor, "1.1.1.1").at(-1)).toContainEqual(
      expect.stringContaining("docker container start kamal-proxy"),
    );
  });

  it("after a gather step creates only a missing network, asks nothing again and defers the rest to the host's next script", async () => {
    const executor = new RecordingExecutor()
      .respond(({ host, command }) => host === "1.1.1.1" && command === "docker network ls --format '{{.Name}}'", {
        stdout: "bridge\nkamal\n",
      })
      .respond(({ host, command }) => host === "1.1.1.1" && command.startsWith("docker inspect kamal-proxy"), {
        stdout: "ghcr.io/dhh/dhow-proxy:v0.9.2 true on\n",
      });
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    await gatherFacts(ctx, ctx.selection.hosts);
    // As under the deploy's lock (taken in the gather script): the lock's release would flush the rest.
    ctx.state.holdingLock = true;
    const gathered = ctx.executor.calls.length;
    const outcomes = await proxyBoot(ctx);
    expect(outcomes).toEqual([
      { host: "1.1.1.1", previousVersion: "v0.9.2", state: "kept" },
      { host: "1.1.1.2", previousVersion: undefined, state: "started" },
    ]);
    // Nothing went out: the rest waits for each host's next script.
    expect(ctx.executor.calls.slice(gathered)).toEqual([]);
    await flushPending(ctx);
    const last = (host: string) => roundTripsTo(ctx.executor, host).at(-1);
    // The gather step saw the proxy running on 1.1.1.1: no `docker container start` there.
    expect(last("1.1.1.1")).toEqual([
      "docker login ghcr.io -u [REDACTED] -p [REDACTED]",
      "mkdir -p .kamal/proxy/apps-config",
    ]);
    expect(last("1.1.1.2")).toEqual([
      "docker network create kamal",
      "docker login ghcr.io -u [REDACTED] -p [REDACTED]",
      "mkdir -p .kamal/proxy/apps-config",
      expect.stringContaining("docker container start kamal-proxy"),
    ]);
    expect(last("1.1.1.3")).toEqual(["docker network create kamal"]);
  });

  it("runs Kamal's exact command for an image proxy.run chooses", async () => {
    const raw = { ...TRACE_CONFIG, proxy: { ...TRACE_CONFIG.proxy, run: { repository: "basecamp/kamal-proxy" } } };
    const ctx = testContext({ raw });
    await proxyBoot(ctx);
    expect(ctx.executor.commands("1.1.1.1")).toContain(KAMAL_PROXY_RUN);
  });

  it("runs dhow's image through proxy.run settings that choose no image", async () => {
    const raw = { ...TRACE_CONFIG, proxy: { ...TRACE_CONFIG.proxy, run: { http_port: 8080, debug: true } } };
    const ctx = testContext({ raw });
    await proxyBoot(ctx);
    expect(ctx.executor.commands("1.1.1.1")).toContain(
      "docker container start kamal-proxy || docker run --name kamal-proxy --network kamal --detach --restart unless-stopped --volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy --volume $PWD/.kamal/proxy/apps-config:/home/kamal-proxy/.apps-config --publish 8080:80 --publish 443:443 --log-opt max-size=10m ghcr.io/dhh/dhow-proxy:v0.9.2 kamal-proxy run --debug",
    );
  });

  it("refuses a running proxy older than v0.9.2", async () => {
    const executor = new RecordingExecutor().respond(/awk -F:/, { stdout: "v0.8.0\n" });
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    await expect(proxyBoot(ctx)).rejects.toThrow(
      "kamal-proxy version v0.8.0 is too old, run `dhow proxy reboot` in order to update to at least v0.9.2",
    );
    expect(ctx.executor.commands("1.1.1.1").some((command) => command.includes("docker container start"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe("rm .kamal/lock-app/details && rm -r .kamal/lock-app");
  });

  it("forwards a local registry's port while dhow's proxy image is pulled", async () => {
    const raw = { ...TRACE_CONFIG, registry: { server: "localhost:5555" } };
    let open: string[] = [];
    const executor = new RecordingExecutor().respond(/^docker container start kamal-proxy/, (request) => {
      open = request.executor.forwards;
      return {};
    });
    const ctx = testContext({ raw, executor });
    await proxyBoot(ctx);
    expect(open.sort()).toEqual(["1.1.1.1:5555", "1.1.1.2:5555"]);
    expect(ctx.executor.commands().some((command) => command.startsWith("docker login"))).toBe(false);
  });
});

describe("isOlderProxy", () => {
  it("compares as RubyGems versions, ignoring the v", () => {
    expect(isOlderProxy("v0.9.2")).toBe(false);
    expect(isOlderProxy("v0.10.0")).toBe(false);
    expect(isOlderProxy("v0.9.1")).toBe(true);
    expect(isOlderProxy("v0.9.2-dhow.1")).toBe(true);
    expect(() => isOlderProxy("latest")).toThrow(DhowError);
  });
});

describe("proxyBoot without the proxy image", () => {
  it("says how to build dhow's proxy image when the registry lacks it", async () => {
    const executor = new RecordingExecutor().respond(/^docker container start kamal-proxy/, {
      exitCode: 125,
      stderr:
        "docker: Error response from daemon: manifest for ghcr.io/dhh/dhow-proxy:v0.9.2 not found: manifest unknown",
    });
    const ctx = testContext({ raw: { ...TRACE_CONFIG, servers: ["1.1.1.1"] }, executor });
    await expect(proxyBoot(ctx)).rejects.toThrow(
      "The proxy image ghcr.io/dhh/dhow-proxy:v0.9.2 is dhow's own: build and push it with `dhow proxy build`",
    );
  });
});
