import { describe, expect, it } from "vitest";
import { createGitFacts } from "./git.js";
import type { LocalResult } from "./local.js";

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
          "config user.email": result("me@example.com\n"),
          "config user.name": result("Me\n"),
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
    expect(calls.every((call) => call.endsWith("@/repo"))).toBe(true);
  });

  it("reports a missing git as not used and no user", () => {
    const facts = createGitFacts({ cwd: "/x", run: () => result("", 127, true) });
    expect(facts.used()).toBe(false);
    expect(facts.userName()).toBeUndefined();
  });
});
