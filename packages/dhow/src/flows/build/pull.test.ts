import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { buildPull } from "./pull.js";
import { loginAndPull, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const PULL = loginAndPull();

describe("buildPull", () => {
  it("pulls on one host per registry mirror first, then on the others", async () => {
    const executor = new RecordingExecutor().respond(/Mirrors 0/, (request) =>
      request.host === "1.1.1.3"
        ? { exitCode: 1, stderr: "error calling index: reflect: slice index out of range" }
        : { stdout: "https://mirror.example.com\n" },
    );
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    await buildPull(ctx);
    const pulls = ctx.executor.calls.filter((call) => call.steps?.includes(PULL)).map((call) => call.host);
    expect(pulls).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3"]);
    expect(ctx.logger.text()).toContain("Pulling image on 1.1.1.1 to seed the mirror...");
    expect(ctx.logger.text()).toContain("Pulling image on remaining hosts...");
  });

  it("runs each host's audit, clean, pull beside the login and check as one script, its only round trip", async () => {
    const ctx = testContext({ raw: { ...TRACE_CONFIG, servers: ["1.1.1.1"] } });
    await buildPull(ctx);
    expect(ctx.executor.roundTrips()).toEqual([{ host: "1.1.1.1", exec: 1, sftp: 0 }]);
    const script = ctx.executor.calls.find((call) => call.kind === "script");
    expect(script?.steps).toEqual([
      'mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] Pulled image with version 999" >> .kamal/app-audit.log',
      "docker image rm --force ghcr.io/dhh/app:999",
      PULL,
      "docker inspect -f '{{ .Config.Labels.service }}' ghcr.io/dhh/app:999 | grep -x app || (echo \"Image ghcr.io/dhh/app:999 is missing the 'service' label\" && exit 1)",
    ]);
    expect(ctx.executor.commands("1.1.1.1")).not.toContain(
      "docker info --format '{{index .RegistryConfig.Mirrors 0}}'",
    );
  });

  it("fails when the image lacks the service label", async () => {
    const executor = new RecordingExecutor().respond(/grep -x app/, {
      exitCode: 1,
      stdout: "Image ghcr.io/dhh/app:999 is missing the 'service' label\n",
    });
    const ctx = testContext({ raw: { ...TRACE_CONFIG, servers: ["1.1.1.1"] }, executor });
    await expect(buildPull(ctx)).rejects.toThrow(/grep -x app .* failed on 1\.1\.1\.1/);
  });

  it("reports each host's Docker reason when the pull fails on several hosts", async () => {
    const manifest =
      "Error response from daemon: manifest for ghcr.io/dhh/app:999 not found: manifest unknown: manifest unknown";
    const executor = new RecordingExecutor().respond(/docker pull ghcr/, (request) =>
      request.host === "1.1.1.2" ? {} : { exitCode: 1, stdout: "", stderr: `${manifest}\n` },
    );
    const ctx = testContext({ raw: TRACE_CONFIG, executor });
    const error = await buildPull(ctx).catch((e: unknown) => e as Error);
    expect(error.message.split("\n")).toEqual([
      "Exceptions on 2 hosts:",
      `${PULL} failed on 1.1.1.1 (exit 1: error)`,
      `  ${manifest}`,
      `${PULL} failed on 1.1.1.3 (exit 1: error)`,
      `  ${manifest}`,
    ]);
  });

  it("forwards the local registry's port to every host while pulling, without logging in", async () => {
    const raw = { ...TRACE_CONFIG, registry: { server: "localhost:5555" } };
    let openDuringPull: string[] = [];
    const executor = new RecordingExecutor().respond(/^docker pull/, (request) => {
      openDuringPull = request.executor.forwards;
      return {};
    });
    const ctx = testContext({ raw, executor });
    await buildPull(ctx);
    expect(openDuringPull.sort()).toEqual(["1.1.1.1:5555", "1.1.1.2:5555", "1.1.1.3:5555"]);
    expect(executor.forwards).toEqual([]);
    expect(ctx.executor.commands().some((command) => command.startsWith("docker login"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.1")).toContain("docker pull localhost:5555/dhh/app:999");
  });
});
