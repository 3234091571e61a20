import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BuildFacts } from "../config/sections/builder.js";
import { gatherBuildFacts, hasDockerBuildx, normalizeDockerArch, type SyncRunner } from "./build-facts.js";
import type { LocalResult } from "./local.js";

function result(exitCode: number, stdout = ""): LocalResult {
  return { command: "", exitCode, stdout, stderr: "", notFound: false, durationMs: 0 };
}

/** A fake runner answering from a table keyed by the joined command line, recording every call. */
function fakeRunner(answers: Record<string, LocalResult>): SyncRunner & { calls: string[] } {
  const calls: string[] = [];
  const run = ((file: string, args: readonly string[]) => {
    const line = [file, ...args].join(" ");
    calls.push(line);
    return answers[line] ?? result(127);
  }) as SyncRunner & { calls: string[] };
  run.calls = calls;
  return run;
}

describe("gatherBuildFacts", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "dhow-facts-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads git state, paths and the Dockerfile, and skips docker when the arch is not needed", () => {
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\n");
    const run = fakeRunner({
      "git rev-parse": result(0),
      "git rev-parse --show-toplevel": result(0, "/home/me/app\n"),
      "git rev-parse HEAD": result(0, "abc123\n"),
    });
    const facts: BuildFacts = gatherBuildFacts({
      cwd: dir,
      dockerfile: "Dockerfile",
      needsDockerArch: false,
      run,
      tmpdir: "/tmp",
    });
    expect(facts).toEqual({
      dockerArch: "",
      gitUsed: true,
      gitRoot: "/home/me/app",
      gitRevision: "abc123",
      pwd: dir,
      tmpdir: "/tmp",
      dockerfileExists: true,
    });
    expect(run.calls.some((call) => call.startsWith("docker"))).toBe(false);
  });

  it("asks docker for its arch when needed and reports a missing Dockerfile and no git", () => {
    const run = fakeRunner({ "docker info --format {{.Architecture}}": result(0, "x86_64\n") });
    const facts = gatherBuildFacts({ cwd: dir, dockerfile: "Dockerfile.prod", needsDockerArch: true, run });
    expect(facts.dockerArch).toBe("amd64");
    expect(facts.gitUsed).toBe(false);
    expect(facts.gitRoot).toBe("");
    expect(facts.dockerfileExists).toBe(false);
  });

  it("gives an empty arch when docker is not reachable", () => {
    const run = fakeRunner({ "docker info --format {{.Architecture}}": result(1, "") });
    expect(gatherBuildFacts({ cwd: dir, dockerfile: "Dockerfile", needsDockerArch: true, run }).dockerArch).toBe("");
  });
});

describe("normalizeDockerArch", () => {
  it("maps docker's names to Kamal's", () => {
    expect(normalizeDockerArch("aarch64\n")).toBe("arm64");
    expect(normalizeDockerArch("x86_64")).toBe("amd64");
    expect(normalizeDockerArch("riscv64")).toBe("riscv64");
  });
});

describe("hasDockerBuildx", () => {
  it("is true only when `docker buildx version` succeeds", () => {
    expect(hasDockerBuildx(fakeRunner({ "docker buildx version": result(0, "v0.17") }))).toBe(true);
    expect(hasDockerBuildx(fakeRunner({}))).toBe(false);
  });
});
