/**
 * The built CLI starts under plain Node (not only under vitest's module loader): ESM/CommonJS interop of
 * dependencies such as ssh2 only shows up there. `npm test` builds before it runs the tests.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "dist/bin/dhow.js");

describe.skipIf(!existsSync(bin))("built dhow", () => {
  it("runs `version` and `app --help`", () => {
    const version = spawnSync(process.execPath, [bin, "version"], { encoding: "utf8" });
    expect(version.stderr).toBe("");
    expect(version.stdout).toMatch(/compatible with Kamal 2\.12\.0/);
    const help = spawnSync(process.execPath, [bin, "app", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: dhow app");
  });

  it("ends quietly with 141 when stdout's reader has gone (no EPIPE trace)", async () => {
    const child = spawn(process.execPath, [bin, "docs", "servers"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    expect(stderr).toBe("");
    expect(status).toBe(141);
  });

  it("loads the SSH executor (ssh2 interop)", async () => {
    const script = `import(${JSON.stringify(join(dirname(bin), "../src/remote/ssh-connect.js"))}).then((m) => console.log(typeof m.openConnection))`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("function");
  });

  it("exports the library API at the package's `exports` entry", () => {
    const pkg = JSON.parse(readFileSync(join(dirname(bin), "../../package.json"), "utf8")) as {
      exports: Record<string, string>;
    };
    const entry = join(dirname(bin), "../..", pkg.exports["."]!);
    expect(existsSync(entry)).toBe(true);
    const script = `import(${JSON.stringify(entry)}).then((m) => console.log([typeof m.loadConfig, typeof m.main, m.EXIT_CODES.config].join(" ")))`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("function function 78");
  });
});
