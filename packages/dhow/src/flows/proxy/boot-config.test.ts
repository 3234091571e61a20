import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { APP_CONFIG } from "../../testing/ops-fixtures.js";
import { bootConfigFiles, proxyBootConfig } from "./boot-config.js";
import { testContext } from "../../testing/test-context.js";

const DEFAULTS = {
  bootOptions: ["--publish 80:80 --publish 443:443", "--log-opt", "max-size=10m"],
  image: "basecamp/kamal-proxy",
};

describe("proxy boot_config", () => {
  it("computes only the files that differ from the defaults", () => {
    expect(bootConfigFiles({}, DEFAULTS)).toEqual({});
    expect(
      bootConfigFiles(
        {
          httpPort: 8080,
          publishHostIp: ["127.0.0.1"],
          metricsPort: 9000,
          debug: true,
          dockerOptions: ["sysctl net.ipv4.ip_unprivileged_port_start=0"],
          registry: "registry:4443",
          imageVersion: "v0.9.3",
        },
        DEFAULTS,
      ),
    ).toEqual({
      options:
        "--publish 127.0.0.1:8080:80 --publish 127.0.0.1:443:443 --log-opt max-size=10m --expose=9000 --sysctl net.ipv4.ip_unprivileged_port_start=0",
      image: "registry:4443/basecamp/kamal-proxy",
      imageVersion: "v0.9.3",
      runCommand: 'kamal-proxy run --debug --metrics-port "9000"',
    });
    expect(bootConfigFiles({ publish: false }, DEFAULTS)).toEqual({ options: "--log-opt max-size=10m" });
  });

  it("set: writes the changed files and removes the others on each proxy host", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await proxyBootConfig(ctx, "set", { logMaxSize: "20m", repository: "me" });
    const written = (path: string) =>
      expect.stringMatching(new RegExp(`^mkdir -p .kamal/proxy && touch ${path} && printf`));
    expect(ctx.executor.commands("1.1.1.2")).toEqual([
      "mkdir -p .kamal/proxy",
      written(".kamal/proxy/options"),
      written(".kamal/proxy/image"),
      "rm .kamal/proxy/image_version",
      "rm .kamal/proxy/run_command",
    ]);
    // One round trip per host: the files are written by the script, not uploaded one by one.
    expect(ctx.executor.calls.filter((call) => call.host === "1.1.1.2").map((call) => call.kind)).toEqual(["script"]);
    expect(ctx.executor.files.get("1.1.1.2:.kamal/proxy/options")?.content.toString()).toBe(
      "--publish 80:80 --publish 443:443 --log-opt max-size=20m",
    );
    expect(ctx.executor.files.get("1.1.1.2:.kamal/proxy/image")?.content.toString()).toBe("me/kamal-proxy");
    expect(ctx.executor.commands("1.1.1.3")).toEqual([]);
  });

  it("get: prints the effective boot config per host; reset removes all four files", async () => {
    const executor = new RecordingExecutor().respond(/^echo/, {
      stdout: "--publish 80:80 basecamp/kamal-proxy:v0.9.2\n",
    });
    const ctx = testContext({ raw: APP_CONFIG, executor, selection: { hosts: "1.1.1.1" } });
    await proxyBootConfig(ctx, "get");
    expect(ctx.logger.lines).toContain("Host 1.1.1.1: --publish 80:80 basecamp/kamal-proxy:v0.9.2");
    await proxyBootConfig(ctx, "reset");
    expect(executor.calls.filter((call) => call.host === "1.1.1.1").map((call) => call.kind)).toEqual([
      "run",
      "script",
    ]);
    expect(executor.commands("1.1.1.1").slice(1)).toEqual([
      "rm .kamal/proxy/options",
      "rm .kamal/proxy/image",
      "rm .kamal/proxy/image_version",
      "rm .kamal/proxy/run_command",
    ]);
  });

  it("rejects an unknown subcommand", async () => {
    await expect(proxyBootConfig(testContext({ raw: APP_CONFIG }), "show")).rejects.toThrow(
      "Unknown boot_config subcommand show",
    );
  });
});
