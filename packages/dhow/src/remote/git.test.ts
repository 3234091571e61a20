import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createGitFacts } from "./git.js";
import { type LocalResult, runLocalSync } from "./local.js";

function result(stdout: string, exitCode = 0, notFound = false): LocalResult {
  return { command: "git", exitCode, stdout, stderr: "", notFound, durationMs: 0 };
}

describe("createGitFacts", () => {
  it("answers from git in the given directory, once per question", () => {
    const calls: string[] = [];
    const facts = createGitFacts({
      cwd: "/repo",
      run: (file, args, options) => {
        calls.push(`${file} ${args.join(" ")} @${options?.cwd}`);
        const answers: Record<string, LocalResult> = {
          "rev-parse": result(""),
          "rev-parse HEAD": result("abc\n"),
          "config --get-regexp ^user\\.(name|email)$": result(
            "user.name Old\nuser.email me@example.com\nuser.name Me\n",
          ),
          "rev-parse --show-toplevel": result("/repo\n"),
          "status --porcelain": result(""),
        };
        return answers[args.join(" ")] ?? result("", 1);
      },
    });
    expect(facts.used()).toBe(true);
    expect(facts.revision()).toBe("abc");
    expect(facts.revision()).toBe("abc");
    expect(facts.email()).toBe("me@example.com");
    expect(facts.userName()).toBe("Me");
    expect(facts.root()).toBe("/repo");
    expect(facts.uncommittedChanges()).toBe("");
    expect(calls.filter((call) => call.startsWith("git rev-parse HEAD"))).toHaveLength(1);
    // A checkout with a commit needs no plain `rev-parse`; the identity is one git process.
    expect(calls.filter((call) => call.startsWith("git rev-parse @"))).toHaveLength(0);
    expect(calls.filter((call) => call.startsWith("git config"))).toHaveLength(1);
    expect(calls.every((call) => call.endsWith("@/repo"))).toBe(true);
  });

  it("reports a missing git as not used and no user", () => {
    const facts = createGitFacts({ cwd: "/x", run: () => result("", 127, true) });
    expect(facts.used()).toBe(false);
    expect(facts.userName()).toBeUndefined();
  });

  it("reads a real checkout: no commit yet, then a commit, the identity's last values, an unset identity", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhow-git-"));
    const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, stdio: "ignore" });
    const facts = () =>
      createGitFacts({ cwd: dir, run: (file, args, options) => runLocalSync(file, args, { ...options, env }) });
    try {
      git("init", "-q");
      expect(facts().used()).toBe(true);
      expect(facts().userName()).toBe("");
      expect(facts().email()).toBe("");
      git("config", "User.Name", "First");
      git("config", "--add", "user.name", "Second Name");
      git("config", "user.email", "me@example.com");
      git("-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", "one");
      const committed = facts();
      expect(committed.used()).toBe(true);
      expect(committed.revision()).toMatch(/^[0-9a-f]{40}$/);
      expect(committed.userName()).toBe("Second Name");
      expect(committed.email()).toBe("me@example.com");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const outside = mkdtempSync(join(tmpdir(), "dhow-nogit-"));
    try {
      const none = createGitFacts({
        cwd: outside,
        run: (file, args, options) =>
          runLocalSync(file, args, { ...options, env: { ...env, GIT_CEILING_DIRECTORIES: tmpdir() } }),
      });
      expect(none.used()).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
