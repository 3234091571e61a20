import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Sensitive } from "../sensitive.js";
import { docker, redact, render } from "./command.js";
import { loginWhilePulling } from "./registry.js";

const LOGIN = docker("login", "reg.example", "-u", new Sensitive('"bot"'), "-p", new Sensitive('"s3cret"'));
const PULL = docker("pull", "reg.example/app:1");

// A fake `docker` on PATH: `login` and `pull` behave as LOGIN/PULL say (ok, or fail), `pull` with "auth"
// fails until a login has succeeded; every call is logged.
const dir = mkdtempSync(join(tmpdir(), "dhow-login-pull-"));
writeFileSync(
  join(dir, "docker"),
  `#!/bin/sh
echo "$1" >> "$DIR/calls"
case "$1" in
  login) sleep 0.2; [ "$LOGIN" = ok ] || { echo "Error response from daemon: login denied" >&2; exit 3; }
         touch "$DIR/logged-in"; echo "Login Succeeded" ;;
  pull) [ "$PULL" = fail ] && { echo "Error response from daemon: manifest unknown" >&2; exit 1; }
        [ "$PULL" = auth ] && [ ! -e "$DIR/logged-in" ] && { echo "Error response from daemon: unauthorized" >&2; exit 1; }
        echo "1: Pulled" ;;
esac
`,
);
chmodSync(join(dir, "docker"), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(login: "ok" | "fail", pull: "ok" | "auth" | "fail") {
  rmSync(join(dir, "calls"), { force: true });
  rmSync(join(dir, "logged-in"), { force: true });
  const result = spawnSync("sh", ["-c", render(loginWhilePulling(LOGIN, PULL))], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${dir}:${process.env["PATH"]}`, DIR: dir, LOGIN: login, PULL: pull },
  });
  const calls = spawnSync("cat", [join(dir, "calls")], { encoding: "utf8" })
    .stdout.trim()
    .split("\n");
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe("loginWhilePulling", () => {
  it("logs in and pulls at once: the pull's output as it comes, then the login's", () => {
    const result = run("ok", "ok");
    expect([result.code, result.stdout, result.stderr]).toEqual([0, "1: Pulled\nLogin Succeeded\n", ""]);
    expect(result.calls.sort()).toEqual(["login", "pull"]);
  });

  it("pulls again after the login when the stored credentials were refused", () => {
    const result = run("ok", "auth");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Login Succeeded\n1: Pulled\n");
    expect(result.stderr).toBe("");
    expect(result.calls.filter((call) => call === "pull")).toHaveLength(2);
  });

  it("fails with the login's exit code and output when the login fails, whatever the pull did", () => {
    for (const pull of ["ok", "auth"] as const) {
      const result = run("fail", pull);
      expect([result.code, result.stderr]).toEqual([3, "Error response from daemon: login denied\n"]);
    }
  });

  it("fails with the second pull's error when the image cannot be pulled", () => {
    const result = run("ok", "fail");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("Login Succeeded\n");
    expect(result.stderr).toBe("Error response from daemon: manifest unknown\n");
    expect(result.calls.filter((call) => call === "pull")).toHaveLength(2);
  });

  it("redacts the credentials in what is shown", () => {
    expect(redact(loginWhilePulling(LOGIN, PULL))).toBe(
      'l=$(mktemp) && e=$(mktemp) || exit 1 ; { docker login reg.example -u [REDACTED] -p [REDACTED] ; } >"$l" 2>&1 & w=$! ; ' +
        'docker pull reg.example/app:1 2>"$e" ; r=$? ; wait "$w" ; s=$? ; ' +
        'if [ "$s" -ne 0 ] ; then cat "$l" >&2 ; rm -f "$l" "$e" ; exit "$s" ; fi ; cat "$l" ; ' +
        'if [ "$r" -ne 0 ] ; then docker pull reg.example/app:1 ; r=$? ; else cat "$e" >&2 ; fi ; rm -f "$l" "$e" ; exit "$r"',
    );
  });
});
