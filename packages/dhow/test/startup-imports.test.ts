/**
 * What the built CLI loads at start-up (issue 8): `dhow version` and `--help` load neither ssh2, yaml, the
 * config code nor any flow; `dhow config` loads the config code but not ssh2; a group's commands load only
 * when the command line names the group. Recorded with a module resolve hook, not timed: the figures are
 * `npm run bench:startup`'s.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(packageRoot, "dist/bin/dhow.js");
const fixture = join(packageRoot, "bench/fixture/config/deploy.yml");

/** The module URLs `node dist/bin/dhow.js ...args` resolves, relative to the package or node_modules. */
function loadedModules(args: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "dhow-imports-"));
  const log = join(dir, "modules.log");
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + "\\n");
  return result;
}
`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
  );
  const result = spawnSync(process.execPath, ["--import", join(dir, "register.mjs"), bin, ...args], {
    cwd: packageRoot,
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  const text = existsSync(log) ? readFileSync(log, "utf8") : "";
  return [
    ...new Set(
      text
        .split("\n")
        .filter((url) => url.startsWith("file:"))
        .map((url) =>
          fileURLToPath(url)
            .replace(/^.*\/node_modules\//, "node_modules/")
            .replace(`${packageRoot}/`, ""),
        ),
    ),
  ];
}

const HEAVY = [/^node_modules\/ssh2\//, /^node_modules\/yaml\//, /^dist\/src\/config\//, /^dist\/src\/flows\//];

describe.skipIf(!existsSync(bin))("start-up imports of the built dhow", () => {
  it("dhow version loads no parser, no command group, no ssh2, yaml, config or flow", () => {
    const modules = loadedModules(["version"]);
    expect(modules).toContain("dist/src/cli/main.js");
    expect(modules.filter((path) => HEAVY.some((pattern) => pattern.test(path)))).toEqual([]);
    expect(modules.filter((path) => /commander|cli\/commands\//.test(path))).toEqual([]);
  });

  it("dhow --help and dhow app boot --help load commander and the named group only", () => {
    const help = loadedModules(["--help"]);
    expect(help.filter((path) => HEAVY.some((pattern) => pattern.test(path)))).toEqual([]);
    expect(help.filter((path) => path.startsWith("dist/src/cli/commands/"))).toEqual(["dist/src/cli/commands/main.js"]);
    const boot = loadedModules(["app", "boot", "--help"]);
    expect(boot.filter((path) => HEAVY.some((pattern) => pattern.test(path)))).toEqual([]);
    expect(boot.filter((path) => path.startsWith("dist/src/cli/commands/")).sort()).toEqual([
      "dist/src/cli/commands/app.js",
      "dist/src/cli/commands/main.js",
    ]);
  });

  it("dhow config loads the config code and yaml, but not ssh2 nor another command's flows", () => {
    const modules = loadedModules(["config", "-c", fixture]);
    expect(modules).toContain("dist/src/flows/local/config.js");
    expect(modules.some((path) => path.startsWith("node_modules/yaml/"))).toBe(true);
    expect(modules.filter((path) => /^node_modules\/ssh2\/|remote\/ssh/.test(path))).toEqual([]);
    expect(modules.filter((path) => /^dist\/src\/flows\/(?!local\/)/.test(path))).toEqual([]);
  });
});
