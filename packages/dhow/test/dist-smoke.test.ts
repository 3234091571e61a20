/**
 * The built CLI starts under plain Node (not only under vitest's module loader): ESM/CommonJS interop of
 * dependencies such as ssh2 only shows up there. `npm test` builds before it runs the tests.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "dist/bin/dhow.js");

describe.skipIf(!existsSync(bin))("built dhow", () => {
  it("runs `version` and `--help` with every command module loaded", () => {
    const version = spawnSync(process.execPath, [bin, "version"], { encoding: "utf8" });
    expect(version.stderr).toBe("");
    expect(version.stdout).toMatch(/compatible with Kamal 2\.12\.0/);
    const help = spawnSync(process.execPath, [bin, "app", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: dhow app");
  });

  it("loads the SSH executor (ssh2 interop)", async () => {
    const script = `import(${JSON.stringify(join(dirname(bin), "../src/remote/ssh-connect.js"))}).then((m) => console.log(typeof m.openConnection))`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("function");
  });
});
