import { describe, expect, it } from "vitest";
import { MissingToolError } from "../../errors.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { buildDeliver } from "./deliver.js";
import { buildPush, PLAIN_BUILD_ENV } from "./push.js";
import { BUILD_FACTS, localDocker, localLines, loginAndPull, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { testContext } from "../../testing/test-context.js";
import { recordingLocalRunner } from "../../testing/test-context.js";

const BUILDX =
  'docker buildx build --output=type=registry --platform linux/amd64 --builder kamal-local-docker-container -t ghcr.io/dhh/app:999 -t ghcr.io/dhh/app:latest --label service="app" --file Dockerfile . 2>&1';

describe("buildPush", () => {
  it("creates the buildx builder when it is missing, then builds and pushes with buildx", async () => {
    const local = localDocker({
      answer: (line) =>
        line === "docker buildx inspect kamal-local-docker-container"
          ? { exitCode: 1, stderr: 'ERROR: no builder "kamal-local-docker-container" found' }
          : line === "docker buildx rm kamal-local-docker-container"
            ? { exitCode: 1, stderr: "ERROR: no builder found" }
            : undefined,
    });
    const ctx = testContext({ raw: TRACE_CONFIG, local });
    await buildPush(ctx, { facts: BUILD_FACTS, noCache: true });
    expect(localLines(local)).toEqual([
      "docker --version && docker buildx version",
      'docker login ghcr.io -u "dhh" -p "regpw"',
      "docker buildx inspect kamal-local-docker-container",
      "docker buildx rm kamal-local-docker-container",
      "docker buildx create --name kamal-local-docker-container --driver=docker-container",
      BUILDX.replace("--file Dockerfile .", "--file Dockerfile --no-cache ."),
    ]);
    expect(ctx.logger.text()).toContain("Missing compatible builder, so creating a new one first");
    expect(ctx.executor.calls).toEqual([]);
  });

  it("falls back to plain docker build and docker push without buildx", async () => {
    const local = localDocker({ buildx: false });
    const ctx = testContext({ raw: TRACE_CONFIG, local });
    await buildPush(ctx, { facts: BUILD_FACTS });
    expect(localLines(local)).toEqual([
      "docker --version && docker buildx version",
      "docker --version",
      'docker login ghcr.io -u "dhh" -p "regpw"',
      'docker build --platform linux/amd64 -t ghcr.io/dhh/app:999 -t ghcr.io/dhh/app:latest --label service="app" --file Dockerfile . && docker push ghcr.io/dhh/app:999 && docker push ghcr.io/dhh/app:latest',
    ]);
    const build = local.calls.at(-1)!;
    expect(build.env).toMatchObject(PLAIN_BUILD_ENV);
    expect(ctx.logger.text()).toContain("docker buildx is not installed here");
  });

  it("fails clearly when docker is not installed locally", async () => {
    const local = recordingLocalRunner(() => ({ exitCode: 127, stderr: "sh: docker: not found" }));
    const ctx = testContext({ raw: TRACE_CONFIG, local });
    await expect(buildPush(ctx, { facts: BUILD_FACTS })).rejects.toThrow(MissingToolError);
    await expect(buildPush(ctx, { facts: BUILD_FACTS })).rejects.toThrow("Docker is not installed locally");
  });

  it("reports a failed build with its output, secrets redacted", async () => {
    const local = localDocker({
      answer: (line) =>
        line.startsWith("docker buildx build")
          ? { exitCode: 1, stdout: "#5 ERROR: failed to solve: process did not complete\n" }
          : undefined,
    });
    const raw = { ...TRACE_CONFIG, builder: { arch: "amd64", context: ".", args: { TOKEN: "t0k3n" } } };
    const ctx = testContext({ raw, local });
    const failure = buildPush(ctx, { facts: BUILD_FACTS });
    await expect(failure).rejects.toThrow(
      /--build-arg TOKEN=\[REDACTED\] .* failed on localhost \(exit 1: error\)\n#5 ERROR/s,
    );
    await expect(failure).rejects.not.toThrow(/t0k3n/);
  });

  it("starts the local registry instead of logging in (local registry mode)", async () => {
    const local = localDocker({ buildx: false });
    const raw = { ...TRACE_CONFIG, registry: { server: "localhost:5555" } };
    const ctx = testContext({ raw, local });
    await buildPush(ctx, { facts: BUILD_FACTS });
    expect(localLines(local)[2]).toBe(
      "docker start kamal-docker-registry || docker run --detach -p 127.0.0.1:5555:5000 --name kamal-docker-registry registry:3",
    );
  });

  it("builds from a fresh git clone of HEAD when builder.context is not set", async () => {
    const facts = {
      ...BUILD_FACTS,
      gitUsed: true,
      gitRoot: "/work/app",
      gitRevision: "abc123",
      tmpdir: "/tmp/dhow-test-clones",
    };
    const local = localDocker({
      buildx: false,
      answer: (line) => {
        if (line.includes("rev-parse HEAD")) return { stdout: "abc123\n" };
        if (line.includes(" clone "))
          return {
            exitCode: 128,
            stderr: "fatal: destination path 'app' already exists and is not an empty directory.",
          };
        return undefined;
      },
    });
    const raw = { ...TRACE_CONFIG, builder: { arch: "amd64" } };
    const ctx = testContext({ raw, local, cwd: "/work/app" });
    await buildPush(ctx, { facts });
    const lines = localLines(local);
    const clone = lines.findIndex((line) => line.includes(" clone "));
    expect(lines[clone]).toMatch(
      /^git -C \/tmp\/dhow-test-clones\/kamal-clones\/app-[0-9a-f]{13} clone \/work\/app --recurse-submodules$/,
    );
    expect(lines.slice(clone + 1, clone + 9).map((line) => line.replace(/^git -C \S+ /, ""))).toEqual([
      "remote set-url origin /work/app",
      "fetch origin",
      "reset --hard abc123",
      "clean -fdx",
      "submodule update --init",
      "gc --auto --quiet",
      "status --porcelain",
      "rev-parse HEAD",
    ]);
    const build = local.calls.at(-1)!;
    expect(localLines(local).at(-1)).toMatch(/^docker build /);
    expect(local.calls.filter((call) => call.file === "/bin/sh").at(-1)).toBe(build);
    expect(ctx.logger.text()).toContain("Resetting local clone as");
  });

  it("delivers: push then pull", async () => {
    const executor = new RecordingExecutor();
    const ctx = testContext({ raw: { ...TRACE_CONFIG, servers: ["1.1.1.1"] }, local: localDocker(), executor });
    await buildDeliver(ctx, { facts: BUILD_FACTS });
    expect(ctx.executor.commands("1.1.1.1").slice(0, 3)).toEqual([
      'mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] Pulled image with version 999" >> .kamal/app-audit.log',
      "docker image rm --force ghcr.io/dhh/app:999",
      loginAndPull(),
    ]);
  });
});
