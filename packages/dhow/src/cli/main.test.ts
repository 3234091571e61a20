import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCommandTree } from "./command-tree.js";
import type { CommandDef } from "./define-command.js";
import type { CliIo } from "./io.js";
import { normalizeArgs } from "./argv.js";
import { main } from "./main.js";

async function run(args: string[], cwd = mkdtempSync(join(tmpdir(), "dhow-cli-"))) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd,
    env: { PATH: process.env["PATH"] },
    isTTY: false,
  };
  const code = await main(["node", "dhow", ...args], io);
  return { code, stdout, stderr };
}

describe("dhow CLI", () => {
  it("lists every Kamal command group in --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const name of [
      "setup",
      "deploy",
      "redeploy",
      "rollback",
      "details",
      "audit",
      "config",
      "docs",
      "init",
      "remove",
      "upgrade",
      "version",
      "accessory",
      "app",
      "build",
      "lock",
      "proxy",
      "prune",
      "registry",
      "secrets",
      "server",
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    }
    expect(stdout).toContain("-c, --config-file <path>");
  });

  it("prints the help of each group and leaf, with the global options", async () => {
    const app = await run(["app", "--help"]);
    expect(app.code).toBe(0);
    for (const sub of [
      "boot",
      "start",
      "stop",
      "details",
      "exec",
      "containers",
      "stale_containers",
      "images",
      "logs",
      "remove",
      "live",
      "maintenance",
      "version",
    ]) {
      expect(app.stdout).toMatch(new RegExp(`^  ${sub}\\b`, "m"));
    }
    expect(app.stdout).not.toContain("remove_container ");

    const boot = await run(["accessory", "boot", "--help"]);
    expect(boot.stdout).toContain("Usage: dhow accessory boot [options] <name>");
    expect(boot.stdout).toContain("Global Options:");
    expect(boot.stdout).toContain("-h, --hosts <hosts>");
    expect(boot.stdout).toContain("-H, --skip-hooks");

    const logs = await run(["app", "logs", "--help"]);
    for (const flag of [
      "-s, --since",
      "-n, --lines",
      "-g, --grep",
      "--grep-options",
      "-f, --follow",
      "-T, --skip-timestamps",
      "--container-id",
    ]) {
      expect(logs.stdout).toContain(flag);
    }
    const deploy = await run(["help", "deploy"]);
    expect(deploy.stdout).toContain("-P, --skip-push");
    expect(deploy.stdout).toContain("--no-cache");
  });

  it("has a help for every command in the tree", async () => {
    const paths: string[][] = [];
    const visit = (specs: readonly CommandDef[], prefix: string[]) => {
      for (const spec of specs) {
        paths.push([...prefix, spec.name]);
        visit(spec.subcommands ?? [], [...prefix, spec.name]);
      }
    };
    visit(await loadCommandTree(), []);
    expect(paths.length).toBeGreaterThan(80);
    for (const path of paths) {
      const { code, stdout } = await run([...path, "--help"]);
      expect(code, path.join(" ")).toBe(0);
      expect(stdout).toContain(`Usage: dhow ${path.join(" ")}`);
    }
  });

  it("prints dhow's version and the Kamal version it matches", async () => {
    const { code, stdout } = await run(["version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+ \(compatible with Kamal 2\.12\.0\)\n$/);
  });

  it("fails with a usage exit code on unknown commands and missing arguments", async () => {
    const unknown = await run(["deplyo"]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("unknown command 'deplyo'");
    const missing = await run(["rollback"]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain("missing required argument 'version'");
    const lock = await run(["lock", "acquire"]);
    expect(lock.code).toBe(64);
    expect(lock.stderr).toContain("--message <message>");
  });

  it("implements every command of the tree (no command is left without a handler)", async () => {
    const leaves: string[] = [];
    const unhandled: string[] = [];
    const visit = (specs: readonly CommandDef[], prefix: string) => {
      for (const spec of specs) {
        const path = prefix ? `${prefix} ${spec.name}` : spec.name;
        if (spec.subcommands) visit(spec.subcommands, path);
        else {
          leaves.push(path);
          if (typeof spec.run !== "function") unhandled.push(path);
        }
      }
    };
    visit(await loadCommandTree(), "");
    expect(leaves.length).toBeGreaterThan(80);
    expect(unhandled).toEqual([]);
  });

  it("accepts Thor's underscore spellings of options and commands", async () => {
    expect(await normalizeArgs(["deploy", "--skip_push", "--config_file=x.yml", "--no_cache", "--foo_bar"])).toEqual([
      "deploy",
      "--skip-push",
      "--config-file=x.yml",
      "--no-cache",
      "--foo_bar",
    ]);
    const { code, stdout } = await run(["app", "stale-containers", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("-s, --stop");
  });

  it("reports a missing config file as a config error naming the file", async () => {
    const { code, stderr } = await run(["config", "-c", "nope/deploy.yml"]);
    expect(code).not.toBe(0);
    expect(stderr).toContain("ERROR (ConfigError)");
    expect(stderr).toContain("nope/deploy.yml");
  });
});
