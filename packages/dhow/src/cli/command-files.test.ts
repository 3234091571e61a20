/**
 * The CLI path is the file path (issue 8): for every command of the program, `dhow <group> <cmd>` is defined
 * in `src/cli/commands/<group>.ts` and its handler loads `src/flows/<group>/<cmd>.ts` (a top-level command:
 * `commands/main.ts` and `flows/main/<cmd>.ts`; `_` in a command name is `-` in its file name). The commands
 * that need no server have their flows in `flows/local/`; the few whose flow lives elsewhere are listed below.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Command } from "./commander.js";
import { COMMAND_GROUPS, loadCommandTree, MAIN_COMMANDS } from "./command-tree.js";
import { createProgram } from "./program.js";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Groups whose flows are in another folder of flows/. */
const FLOWS_FOLDER: Readonly<Record<string, string>> = { secrets: "local" };

/** Commands whose flow is not `flows/<folder>/<cmd>.ts`, by path, with the file that holds it. */
const FLOW_ELSEWHERE: Readonly<Record<string, string>> = {
  config: "flows/local/config.ts",
  docs: "flows/local/docs.ts",
  init: "flows/local/init.ts",
  "secrets fetch": "flows/local/secrets.ts",
  "secrets extract": "flows/local/secrets.ts",
  "secrets print": "flows/local/secrets.ts",
};

/** Commands with no flow at all: they only print what cli/ knows. */
const NO_FLOW: Readonly<Record<string, string>> = { version: "cli/version-line.ts" };

/** Every command path of the program (`app boot`, `deploy`…), groups included, commander's own help left out. */
function commandPaths(command: Command, prefix: readonly string[] = []): string[][] {
  return command.commands
    .filter((sub) => sub.name() !== "help")
    .flatMap((sub) => {
      const path = [...prefix, sub.name()];
      return [path, ...commandPaths(sub, path)];
    });
}

/** Where a command is defined, and the flows file its handler loads. */
function expectedFiles(path: readonly string[]): { command: string; flow: string } {
  const [group, name] = path.length === 1 ? ["main", path[0]!] : [path[0]!, path[1]!];
  const key = path.join(" ");
  const flow =
    NO_FLOW[key] ?? FLOW_ELSEWHERE[key] ?? `flows/${FLOWS_FOLDER[group] ?? group}/${name.replaceAll("_", "-")}.ts`;
  return { command: `cli/commands/${group}.ts`, flow };
}

/** The source of one `defineCommand({ name: "<name>", … })` in a commands file. */
function definition(file: string, name: string): string | undefined {
  const source = readFileSync(join(SRC, file), "utf8");
  return source.split("defineCommand({").find((block) => block.trimStart().startsWith(`name: "${name}",`));
}

describe("the CLI path is the file path", async () => {
  const tree = await loadCommandTree();
  const program = createProgram(tree, { stdout: () => {}, stderr: () => {}, cwd: "/", env: {}, isTTY: false }, () =>
    Promise.reject(new Error("no runtime in this test")),
  );
  const paths = commandPaths(program);
  const leaves = paths.filter((path) => path.length === 2 || !COMMAND_GROUPS.some((group) => group.name === path[0]));

  it("walks the whole program: every top-level command, every group and every group's commands", () => {
    expect(paths.filter((path) => path.length === 1).map(([name]) => name)).toEqual([
      ...MAIN_COMMANDS.map((command) => command.name),
      ...COMMAND_GROUPS.map((group) => group.name),
    ]);
    expect(leaves.length).toBeGreaterThan(80);
    expect(leaves).toContainEqual(["app", "boot"]);
    expect(leaves).toContainEqual(["app", "stale_containers"]);
    expect(paths.every((path) => path.length <= 2)).toBe(true);
  });

  it("has a file per command group in cli/commands/, and nothing else there", async () => {
    for (const group of ["main", ...COMMAND_GROUPS.map((entry) => entry.name)]) {
      expect(existsSync(join(SRC, "cli/commands", `${group}.ts`)), group).toBe(true);
    }
    for (const group of COMMAND_GROUPS) {
      const names = (await group.commands()).map((command) => command.name);
      expect(names, group.name).toEqual(leaves.filter((path) => path[0] === group.name).map((path) => path[1]));
    }
  });

  it("finds each command in cli/commands/<group>.ts and its flow in flows/<group>/<command>.ts", () => {
    const problems: string[] = [];
    for (const path of leaves) {
      const { command, flow } = expectedFiles(path);
      const name = path.at(-1)!;
      const block = definition(command, name);
      if (!block) {
        problems.push(`dhow ${path.join(" ")}: not defined in src/${command}`);
        continue;
      }
      if (!existsSync(join(SRC, flow))) problems.push(`dhow ${path.join(" ")}: src/${flow} does not exist`);
      const loaded = [...block.matchAll(/import\("\.\.\/\.\.\/(flows\/[^"]+)\.js"\)/g)].map(
        (match) => `${match[1]}.ts`,
      );
      const expected = path.join(" ") in NO_FLOW ? [] : [flow];
      if (loaded.join() !== expected.join()) {
        problems.push(
          `dhow ${path.join(" ")}: its handler loads [${loaded.join(", ")}], expected [${expected.join(", ")}]`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it("keeps the exceptions few and real", () => {
    const all = leaves.map((path) => path.join(" "));
    for (const key of [...Object.keys(FLOW_ELSEWHERE), ...Object.keys(NO_FLOW)]) expect(all).toContain(key);
    for (const file of [...Object.values(FLOW_ELSEWHERE), ...Object.values(NO_FLOW)]) {
      expect(existsSync(join(SRC, file)), file).toBe(true);
    }
    expect(Object.keys(FLOW_ELSEWHERE).length + Object.keys(NO_FLOW).length).toBeLessThanOrEqual(7);
  });
});
