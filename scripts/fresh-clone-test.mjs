#!/usr/bin/env node
// `npm run test:fresh-clone` (part of `npm test`): the README's "Using it" lines, verbatim, in a fresh clone of
// the committed HEAD — `npm ci && npm run build`, then the `npx dhow …` lines that need no servers, and the
// proxy's commands. It catches what a working checkout hides: npm links a workspace's bin only if its target
// exists at install time, so a bin pointing into dist/ (which only the build creates) is never linked.
//
// npm ci uses the local npm cache first (prefer-offline); the other commands run offline. The clone lives in a
// temporary directory that is removed afterwards. Plain Node without dependencies, like the other scripts here;
// exits 1 on a failure. It tests the committed HEAD: commit first.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The environment of a user's shell: none of the npm-run variables, and no node_modules/.bin of this
 * checkout on PATH (with it, `npx dhow` in the clone would find this checkout's dhow and prove nothing). */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === "INIT_CWD" || key === "NODE") continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => !entry.includes("node_modules"))
    .join(delimiter);
  env.NO_COLOR = "1";
  // No registry: a command missing from the clone must fail, not be fetched (npx falls back to the registry).
  env.npm_config_offline = "true";
  env.npm_config_audit = "false";
  env.npm_config_fund = "false";
  return env;
}

/** The commands of the README's "Using it" block, without their comments. */
function readmeLines() {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /## Using it\s+```sh\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no "## Using it" sh block');
  return block[1]
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

const failures = [];
const started = performance.now();
const readme = readmeLines();
const env = cleanEnv();
const workdir = mkdtempSync(join(tmpdir(), "dhow-fresh-clone-"));
const clone = join(workdir, "dhow");

/** Runs a command line of the README (it must be there verbatim) in `cwd` and checks its outcome. */
function check(line, expected, cwd = clone) {
  if (expected.fromReadme !== false && !readme.includes(line)) {
    failures.push(`README.md's "Using it" block no longer has \`${line}\``);
    return;
  }
  const t0 = performance.now();
  const result = spawnSync("sh", ["-c", line], {
    cwd,
    env: { ...env, ...expected.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Math.round(performance.now() - t0);
  const output = `${result.stdout}${result.stderr}`;
  const problems = [];
  const status = expected.status ?? 0;
  if (result.status !== status) problems.push(`exit ${result.status}, expected ${status}`);
  for (const pattern of expected.output ?? []) {
    if (!pattern.test(output)) problems.push(`output does not match ${pattern}`);
  }
  for (const file of expected.files ?? []) {
    if (!existsSync(join(cwd, file))) problems.push(`${file} was not created`);
  }
  if (problems.length === 0) {
    console.log(`  ok   ${line}  (${ms} ms)`);
  } else {
    console.log(`  FAIL ${line}  (${ms} ms): ${problems.join("; ")}`);
    for (const outputLine of output.trimEnd().split("\n").slice(-20)) console.log(`       | ${outputLine}`);
    failures.push(`${line}: ${problems.join("; ")}`);
  }
}

try {
  const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  console.log(`fresh clone of ${head} (committed HEAD) in ${clone}`);
  execFileSync("git", ["clone", "--quiet", ROOT, clone], { stdio: "inherit" });

  // `npm ci && npm run build` in two steps, to check the commands in between. npm ci is the only step that may
  // need the registry, for packages missing from the local npm cache.
  if (!readme.includes("npm ci && npm run build")) failures.push("README.md no longer has `npm ci && npm run build`");
  check("npm ci", { fromReadme: false, env: { npm_config_offline: "false", npm_config_prefer_offline: "true" } });
  // Installed but not built yet: the commands exist and say what to do.
  const notBuilt = (name) => ({
    fromReadme: false,
    status: 1,
    output: [new RegExp(`${name} is not built yet .*npm run build`)],
  });
  check("npx dhow version", notBuilt("dhow"));
  check("npx dhow-proxy version", notBuilt("dhow-proxy"));
  check("npm run build", { fromReadme: false });

  check("npx dhow --help", { output: [/Usage: dhow/, /\bdeploy\b/, /\baccessory\b/, /\bproxy\b/] });
  check("npx dhow version", { fromReadme: false, output: [/compatible with Kamal 2\.12\.0/] });
  check("npx dhow init", { files: ["config/deploy.yml", ".kamal/secrets", ".kamal/hooks/pre-deploy.sample"] });
  check("npx dhow config -c config/deploy.yml", {
    output: [/^:repository: my-user\/my-app$/m, /^:service_with_version: my-app-[0-9a-f]{40}$/m],
  });
  check("npx dhow docs proxy", { output: [/^# Proxy/m] });
  check("npm run golden", { output: [/ 0 failed$/m] });
  // No ../shared/corpus next to a clone in a temporary directory: a clear message, not a stack trace.
  check("npm run corpus", { status: 1, output: [/^No corpus at .*shared\/corpus: /m] });
  check("npx dhow-proxy version", { fromReadme: false, output: [/^dhow-proxy v0\.9\.2/] });
  check("npx kamal-proxy version", { fromReadme: false, output: [/^dhow-proxy v0\.9\.2/] });
  // examples/hello's config comment runs `npx dhow` from the example's directory inside the checkout.
  const inExample = join(clone, "examples", "hello");
  check("npx dhow version", { fromReadme: false, output: [/compatible with Kamal 2\.12\.0/] }, inExample);
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  rmSync(workdir, { recursive: true, force: true });
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.log(`fresh clone: ${failures.length} failed (${seconds} s)`);
  for (const failure of failures) console.log(`  - ${failure}`);
  process.exitCode = 1;
} else {
  console.log(`fresh clone: README lines passed (${seconds} s)`);
}
