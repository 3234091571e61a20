/**
 * Start-up bench (`npm run bench:startup [-- --runs=N]`): runs a bare `node -e 0`, `dhow version`,
 * `dhow --help` and `dhow config -c <bench/fixture/config/deploy.yml>` one after the other, N rounds, and
 * prints each command's median wall time and its ratio to node's. Alternating keeps a busy machine's noise in
 * every column alike. Issue 8's targets: `dhow version` ≤ 1.3× and `dhow config` ≤ 3× node (printed, not
 * asserted). `dhow` is the command npm links (bin/dhow.mjs). The fixture is copied into a fresh one-commit
 * git repository, as an app's checkout is: `dhow config` asks git for the version, and inside this repository
 * git's answer would depend on how many files someone is editing.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = join(packageRoot, "bin/dhow.mjs");
const runs = Number(/^--runs=(\d+)$/.exec(process.argv[2] ?? "")?.[1] ?? 15);

if (!existsSync(join(packageRoot, "dist/bin/dhow.js"))) {
  throw new Error("dhow is not built: run `npm run build` first");
}

const app = mkdtempSync(join(tmpdir(), "dhow-bench-startup-"));
try {
  cpSync(join(packageRoot, "bench/fixture"), app, { recursive: true });
  for (const args of [
    ["init", "-q"],
    ["add", "."],
    ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "fixture"],
  ]) {
    const git = spawnSync("git", args, { cwd: app, encoding: "utf8" });
    if (git.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${git.stderr}`);
  }
  report(app);
} finally {
  rmSync(app, { recursive: true, force: true });
}

function report(cwd: string): void {
  const commands = [
    { label: "node -e 0", args: ["-e", "0"] },
    { label: "dhow version", args: [bin, "version"] },
    { label: "dhow --help", args: [bin, "--help"] },
    { label: "dhow config", args: [bin, "config", "-c", join(cwd, "config/deploy.yml")] },
  ];
  for (const command of commands) time(command.args, cwd); // warm the file cache
  const samples = commands.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    for (const [index, command] of commands.entries()) samples[index]!.push(time(command.args, cwd));
  }
  const medians = samples.map(median);
  const ratio = (index: number) => (medians[index]! / medians[0]!).toFixed(2);
  console.log(`start-up, medians of ${runs} alternating runs (node ${process.version}):`);
  for (const [index, command] of commands.entries()) {
    console.log(`  ${command.label.padEnd(14)} ${medians[index]!.toFixed(1).padStart(7)} ms`);
  }
  console.log(`dhow --help / node: ${ratio(2)}`);
  console.log(`dhow version / node: ${ratio(1)}`);
  console.log(`dhow config / node: ${ratio(3)}`);
}

/** Wall time of one run in milliseconds; a failing command stops the bench. */
function time(args: readonly string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
