import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MissingToolError } from "../../errors.js";
import { localDocker, localLines, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { locateProxyPackage, proxyBaseImage, proxyBuild, proxyImageExists } from "./build.js";
import { testContext } from "../../testing/test-context.js";
import { PlanRecorder } from "../../remote/dry-run-executor.js";
import { ensureProxyImage } from "./ensure-image.js";

function proxyPackage({ built = true }: { built?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "dhow proxy "));
  writeFileSync(join(dir, "Dockerfile"), "ARG NODE_IMAGE\n");
  if (built) {
    mkdirSync(join(dir, "dist", "bin"), { recursive: true });
    writeFileSync(join(dir, "dist", "bin", "dhow-proxy.js"), "");
  }
  return dir;
}

describe("proxyBuild", () => {
  it("stages the package, builds with plain docker build, and pushes to the app's registry", async () => {
    const local = localDocker({ buildx: false });
    const dir = proxyPackage();
    const ctx = testContext({ raw: TRACE_CONFIG, local });
    expect(await proxyBuild(ctx, { packageDir: dir, baseImage: "10.0.0.1:5000/sandbox/node:20" })).toBe(
      "ghcr.io/dhh/dhow-proxy:v0.9.2",
    );
    const escaped = dir.replaceAll(" ", "\\ ");
    expect(localLines(local).slice(2)).toEqual([
      'docker login ghcr.io -u "dhh" -p "regpw"',
      `docker build --platform linux/amd64 --build-arg NODE_IMAGE=10.0.0.1:5000/sandbox/node:20 -t ghcr.io/dhh/dhow-proxy:v0.9.2 --file ${escaped}/Dockerfile ${escaped}`,
      "docker push ghcr.io/dhh/dhow-proxy:v0.9.2",
    ]);
    const stage = local.calls.find((call) => call.file === process.execPath);
    expect(stage?.args).toEqual([join(dir, "dist", "scripts", "docker-context.js")]);
    expect(local.calls.find((call) => call.args[1]?.startsWith("docker build"))?.env).toMatchObject({
      DOCKER_BUILDKIT: "0",
    });
  });

  it("--dry-run stages nothing, builds nothing and logs in nowhere: the build is a line of the plan", async () => {
    const local = localDocker({ buildx: false });
    const plan = new PlanRecorder();
    const ctx = testContext({ raw: TRACE_CONFIG, local, plan });
    const dir = proxyPackage();
    await proxyBuild(ctx, { packageDir: dir, baseImage: "node:20" });
    expect(local.calls.filter((call) => call.file === process.execPath)).toEqual([]);
    expect(localLines(local).filter((line) => !line.startsWith("docker --version"))).toEqual([]);
    expect(plan.entries.map((entry) => (entry.kind === "local" ? entry.text : entry.kind))).toEqual([
      "docker login ghcr.io -u [REDACTED] -p [REDACTED]",
      `build and push ghcr.io/dhh/dhow-proxy:v0.9.2 from ${dir} (base node:20)`,
    ]);
  });

  it("--dry-run --offline does not ask the registry for the proxy image", async () => {
    const local = localDocker();
    const plan = new PlanRecorder({ offline: true });
    const ctx = testContext({ raw: TRACE_CONFIG, local, plan });
    await ensureProxyImage(ctx);
    expect(local.calls).toEqual([]);
    expect(plan.entries).toEqual([
      { kind: "local", text: "build and push ghcr.io/dhh/dhow-proxy:v0.9.2 unless the registry has it" },
    ]);
  });

  it("chooses the base image: option, $DHOW_PROXY_BASE_IMAGE, $DHOW_SANDBOX_NODE_IMAGE, node:20-slim", () => {
    expect(proxyBaseImage({ env: { DHOW_PROXY_BASE_IMAGE: "a", DHOW_SANDBOX_NODE_IMAGE: "b" } }, "x")).toBe("x");
    expect(proxyBaseImage({ env: { DHOW_PROXY_BASE_IMAGE: "a", DHOW_SANDBOX_NODE_IMAGE: "b" } })).toBe("a");
    expect(proxyBaseImage({ env: { DHOW_SANDBOX_NODE_IMAGE: "b" } })).toBe("b");
    expect(proxyBaseImage({ env: {} })).toBe("node:20-slim");
  });

  it("finds the package from the environment and insists it is built", () => {
    const dir = proxyPackage();
    expect(locateProxyPackage({ env: { DHOW_PROXY_PACKAGE_DIR: dir }, cwd: "/" })).toBe(dir);
    const unbuilt = proxyPackage({ built: false });
    expect(() => locateProxyPackage({ env: { DHOW_PROXY_PACKAGE_DIR: unbuilt }, cwd: "/" })).toThrow(MissingToolError);
    expect(() => locateProxyPackage({ env: { DHOW_PROXY_PACKAGE_DIR: unbuilt }, cwd: "/" })).toThrow(
      /is not built: run `npm run build` there first/,
    );
  });

  it("finds the workspace's dhow-proxy package by default", () => {
    expect(locateProxyPackage({ env: {}, cwd: "/" })).toMatch(/proxy$/);
  });

  it("looks the image up over HTTPS, then allowing plain HTTP", async () => {
    const insecureOnly = localDocker({
      answer: (line) => (line.includes("--insecure") ? {} : { exitCode: 1, stderr: "no such manifest" }),
    });
    expect(await proxyImageExists(testContext({ raw: TRACE_CONFIG, local: insecureOnly }), "r/dhow-proxy:v1")).toBe(
      true,
    );
    const missing = localDocker({ answer: () => ({ exitCode: 1, stderr: "no such manifest" }) });
    expect(await proxyImageExists(testContext({ raw: TRACE_CONFIG, local: missing }), "r/dhow-proxy:v1")).toBe(false);
    expect(localLines(missing)).toEqual([
      "docker manifest inspect r/dhow-proxy:v1",
      "docker manifest inspect --insecure r/dhow-proxy:v1",
    ]);
  });
});
