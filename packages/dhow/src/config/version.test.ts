import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { type GitVersionFacts, gitVersionFacts, resolveVersion } from "./version.js";

const git = (overrides: Partial<{ used: boolean; revision: string; changes: string }> = {}): GitVersionFacts => ({
  used: () => overrides.used ?? true,
  revision: () => overrides.revision ?? "0123456789abcdef",
  uncommittedChanges: () => overrides.changes ?? "",
});

describe("resolveVersion", () => {
  const base = { env: {}, git: git(), builderContextSet: false, cwd: "/project", randomHex: () => "00112233aabbccdd" };

  it("prefers --version, then VERSION, then git HEAD", () => {
    expect(resolveVersion({ ...base, declared: "v1", env: { VERSION: "v2" } })).toBe("v1");
    expect(resolveVersion({ ...base, declared: "", env: { VERSION: "v2" } })).toBe("v2");
    expect(resolveVersion(base)).toBe("0123456789abcdef");
  });

  it("adds _uncommitted_<16 hex> to a dirty tree only when builder.context is set", () => {
    const dirty = { ...base, git: git({ changes: " M app.rb" }) };
    expect(resolveVersion(dirty)).toBe("0123456789abcdef");
    expect(resolveVersion({ ...dirty, builderContextSet: true })).toBe("0123456789abcdef_uncommitted_00112233aabbccdd");
    expect(resolveVersion({ ...dirty, builderContextSet: true, randomHex: undefined })).toMatch(
      /_uncommitted_[0-9a-f]{16}$/,
    );
  });

  it("fails without a git repository", () => {
    expect(() => resolveVersion({ ...base, git: git({ used: false }) })).toThrow(
      new ConfigError("Can't use commit hash as version, no git repository found in /project"),
    );
  });
});

describe("gitVersionFacts", () => {
  it("asks git through the runner, once per question", () => {
    const calls: string[] = [];
    const facts = gitVersionFacts(
      {
        runSync: (file, args, options) => {
          calls.push(`${file} ${args.join(" ")} @${options?.cwd}`);
          if (args[0] === "status") return { exitCode: 0, stdout: " M a\n" };
          return { exitCode: 0, stdout: "abc\n" };
        },
      },
      "/repo",
    );
    expect(facts.used()).toBe(true);
    expect(facts.revision()).toBe("abc");
    expect(facts.revision()).toBe("abc");
    expect(facts.uncommittedChanges()).toBe("M a");
    // `rev-parse HEAD` answers `used` too when it succeeds.
    expect(calls).toEqual(["git rev-parse HEAD @/repo", "git status --porcelain @/repo"]);
  });

  it("counts a checkout without a commit as used (rev-parse HEAD fails, rev-parse succeeds)", () => {
    const calls: string[] = [];
    const facts = gitVersionFacts(
      {
        runSync: (file, args) => {
          calls.push(`${file} ${args.join(" ")}`);
          return args[1] === "HEAD" ? { exitCode: 128, stdout: "HEAD\n" } : { exitCode: 0, stdout: "" };
        },
      },
      "/repo",
    );
    expect(facts.used()).toBe(true);
    expect(calls).toEqual(["git rev-parse HEAD", "git rev-parse"]);
  });

  it("asks git status only when builder.context is set", () => {
    const asked: string[] = [];
    const git = {
      used: () => true,
      revision: () => "abc",
      uncommittedChanges: () => {
        asked.push("status");
        return " M a";
      },
    };
    expect(resolveVersion({ env: {}, git, builderContextSet: false, cwd: "/repo" })).toBe("abc");
    expect(asked).toEqual([]);
    expect(resolveVersion({ env: {}, git, builderContextSet: true, cwd: "/repo", randomHex: () => "f00" })).toBe(
      "abc_uncommitted_f00",
    );
    expect(asked).toEqual(["status"]);
  });
});
