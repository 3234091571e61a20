import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sensitive } from "../sensitive.js";
import { type Command, redact, render } from "./command.js";
import { collectDetached, detach, detachedDirectories } from "./detached.js";

/** Runs a command under a real `sh`, as a script step would (cwd: `cwd`). */
function sh(command: Command, cwd: string) {
  const result = spawnSync("sh", ["-c", render(command)], { cwd, encoding: "utf8", timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function scratch() {
  const cwd = mkdtempSync(join(tmpdir(), "detached-"));
  const id = `${process.pid}${Math.random().toString(16).slice(2, 10)}`;
  return { cwd, id, dir: detachedDirectories(id)[0] };
}

describe("detach and collectDetached", () => {
  it("returns while the commands still run, runs them in turn, and reports each one's output and code later", () => {
    const { cwd, id, dir } = scratch();
    // The first command waits for a gate only this test opens: the launch must return before it ends.
    const first = ["while [ ! -f gate ]; do sleep 0.01; done; echo one; echo oops >&2; exit 3"];
    const second = ["[ -f gate ] && echo two-after-one"];
    const launch = sh(detach(id, [first, second]), cwd);
    expect(launch).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(existsSync(`${dir}/0.c`)).toBe(false);
    writeFileSync(join(cwd, "gate"), "");

    expect(sh(collectDetached(id, 0, first, { last: false }), cwd)).toEqual({
      code: 3,
      stdout: "one\n",
      stderr: "oops\n",
    });
    expect(sh(collectDetached(id, 1, second, { last: true }), cwd)).toEqual({
      code: 0,
      stdout: "two-after-one\n",
      stderr: "",
    });
    expect(existsSync(dir)).toBe(false);
  });

  it("keeps its results in .kamal when /tmp will not take them, and fails when neither will", () => {
    const { cwd, id, dir } = scratch();
    writeFileSync(dir, "in the way");
    try {
      expect(sh(detach(id, [["echo one"]]), cwd).code).not.toBe(0);
      expect(sh(collectDetached(id, 0, ["echo one"], { last: true }), cwd)).toEqual({
        code: 0,
        stdout: "",
        stderr: "",
      });

      mkdirSync(join(cwd, ".kamal"));
      expect(sh(detach(id, [["echo one"], ["echo two; exit 4"]]), cwd)).toMatchObject({ code: 0, stdout: "" });
      expect(sh(collectDetached(id, 0, ["echo one"], { last: false }), cwd)).toMatchObject({
        code: 0,
        stdout: "one\n",
      });
      expect(sh(collectDetached(id, 1, ["echo two"], { last: true }), cwd)).toMatchObject({ code: 4, stdout: "two\n" });
      expect(readdirSync(join(cwd, ".kamal"))).toEqual([]);
    } finally {
      rmSync(dir, { force: true });
    }
  });

  it("does not wait forever for a background job that was killed", () => {
    const { cwd, id, dir } = scratch();
    sh(detach(id, [["sleep 30"]]), cwd);
    const pid = sh([`cat ${dir}/pid`], cwd).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    spawnSync("kill", ["-9", pid]);
    const report = sh(collectDetached(id, 0, ["sleep 30"], { last: true }), cwd);
    expect(report.code).toBe(1);
    expect(report.stderr).toContain("ended without an exit status");
    expect(existsSync(dir)).toBe(false);
  });

  it("shows the command it reports (redacted) as its first line, and keeps secrets out of the launch's display", () => {
    const secret = ["echo", new Sensitive("hunter2")];
    expect(redact(collectDetached("abc", 0, secret, { last: false })).split("\n")[0]).toBe("wait # echo [REDACTED]");
    expect(redact(detach("abc", [secret]))).not.toContain("hunter2");
    expect(render(detach("abc", [secret]))).toContain("hunter2");
  });
});
