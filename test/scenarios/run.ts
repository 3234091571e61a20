#!/usr/bin/env node
/**
 * The end-to-end scenario runner (`npm run scenario`, `npm run test:sandbox`):
 *
 *   npm run scenario -- <name> [<name> …]   fresh sandbox, run, tear down (several names share one sandbox)
 *   npm run scenario -- --list              names and one-line descriptions
 *   npm run test:sandbox                    = --all: every scenario, one shared sandbox reset between them
 *
 * Options: --fresh (one sandbox per scenario even with several), --keep (leave the sandbox up at the end),
 * --reuse (run in the scenario sandbox that is already up, e.g. from --keep: reset before each scenario),
 * --verbose (steps, dhow calls and their timings as they happen; --stream also streams dhow's output),
 * --retries=N (run a failed scenario again, up to N times, in reset servers; a pass then is reported as flaky).
 * The last line is always `N passed, M failed`; the exit code is 1 when any scenario failed.
 * It needs root (the sandbox does) and the built CLIs: `tsc -b packages/dhow packages/proxy test/sandbox test/scenarios`.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tail } from "./lib/exec.js";
import { DHOW_BIN, SCENARIOS_DIR } from "./lib/paths.js";
import {
  dumpServers,
  resetServers,
  runningSandbox,
  SANDBOX_CLI,
  type Sandbox,
  sandboxHandle,
  scenarioLayoutEnv,
  startSandbox,
  stopSandbox,
} from "./lib/sandbox.js";
import type { Scenario, ScenarioContext } from "./lib/scenario.js";
import { createApp, type DhowCall, workspaceRoot } from "./lib/workspace.js";

const USAGE =
  "usage: npm run scenario -- <name>… | --list | --all  [--fresh] [--keep] [--reuse] [--verbose] [--stream]";
/** The default number of servers a scenario gets. */
const DEFAULT_HOSTS = 2;
/** A scenario that takes longer than this has hung. */
const SCENARIO_TIMEOUT_MS = 8 * 60_000;

interface Flags {
  list: boolean;
  all: boolean;
  fresh: boolean;
  keep: boolean;
  reuse: boolean;
  verbose: boolean;
  stream: boolean;
  /** How often a failed scenario runs again before it counts as failed (`--retries=N`). */
  retries: number;
  names: string[];
}

type Outcome = {
  name: string;
  status: "passed" | "failed" | "skipped";
  seconds: number;
  detail?: string;
  /** Set when the scenario failed first and passed on a retry. */
  flaky?: string;
};

async function main(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv);
  const scenarios = await loadScenarios();
  if (flags.list) {
    const width = Math.max(...scenarios.map((s) => s.name.length));
    for (const s of scenarios) process.stdout.write(`${s.name.padEnd(width)}  ${s.description}\n`);
    return 0;
  }
  const selected = flags.all ? scenarios : flags.names.map((name) => findScenario(scenarios, name));
  if (selected.length === 0) throw new UsageError("name a scenario, or pass --all or --list");
  preflight();

  const layout = scenarioLayoutEnv();
  const started = performance.now();
  const outcomes: Outcome[] = [];
  const runnable: Scenario[] = [];
  for (const scenario of selected) {
    const reason = scenario.skip?.();
    if (reason) {
      outcomes.push({ name: scenario.name, status: "skipped", seconds: 0, detail: reason });
      say(`- ${scenario.name}: skipped (${reason})`);
    } else runnable.push(scenario);
  }

  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    say("interrupted: finishing the current step, then tearing down (Ctrl-C again to abort)");
    process.once("SIGINT", () => process.exit(130));
  });

  const shared = (runnable.length > 1 && !flags.fresh) || flags.reuse;
  let sandbox: Sandbox | undefined;
  if (flags.reuse) {
    sandbox = sandboxHandle(await runningSandbox(layout));
    say(`reusing the sandbox: ${sandbox.hosts.length} servers (${sandbox.hosts.join(" ")})`);
  }
  try {
    for (const [index, scenario] of runnable.entries()) {
      if (interrupted) {
        outcomes.push({ name: scenario.name, status: "failed", seconds: 0, detail: "not run (interrupted)" });
        continue;
      }
      const hosts = scenario.hosts ?? DEFAULT_HOSTS;
      try {
        if (!sandbox) {
          const size = shared ? Math.max(...runnable.map((s) => s.hosts ?? DEFAULT_HOSTS)) : hosts;
          const t = performance.now();
          sandbox = sandboxHandle(await startSandbox(size, layout));
          say(`sandbox up: ${size} servers (${sandbox.hosts.join(" ")}) in ${secondsSince(t)}s`);
        } else if (index > 0 || flags.reuse) {
          const t = performance.now();
          await resetServers(sandbox);
          if (flags.verbose) say(`  servers reset in ${secondsSince(t)}s`);
        }
      } catch (error) {
        outcomes.push({ name: scenario.name, status: "failed", seconds: 0, detail: message(error) });
        say(`✗ ${scenario.name}: the sandbox is not usable: ${message(error)}`);
        break;
      }
      let outcome = await runOne(scenario, sandbox, flags);
      // `--retries N`: a failed scenario runs again in reset servers; a pass on retry is reported as flaky.
      for (let attempt = 1; outcome.status === "failed" && attempt <= flags.retries && !interrupted; attempt++) {
        say(`↻ ${scenario.name} failed; running it again in reset servers (retry ${attempt} of ${flags.retries})`);
        await resetServers(sandbox);
        const retry = await runOne(scenario, sandbox, flags);
        outcome =
          retry.status === "passed"
            ? { ...retry, flaky: `passed on retry ${attempt} after: ${firstLine(outcome.detail ?? "")}` }
            : retry;
      }
      outcomes.push(outcome);
      if (!shared && !flags.keep) {
        await stopSandbox(layout);
        sandbox = undefined;
      }
    }
  } finally {
    if (sandbox && !flags.keep)
      await stopSandbox(layout).catch((error) => say(`sandbox down failed: ${message(error)}`));
    if (sandbox && flags.keep) {
      say(
        `sandbox kept: ${Object.entries(layout)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")} npm run sandbox -- down`,
      );
    }
  }

  const notRun = runnable.filter((s) => !outcomes.some((o) => o.name === s.name));
  for (const s of notRun) outcomes.push({ name: s.name, status: "failed", seconds: 0, detail: "not run" });
  const passed = outcomes.filter((o) => o.status === "passed");
  const failed = outcomes.filter((o) => o.status === "failed");
  const skipped = outcomes.filter((o) => o.status === "skipped");
  say("");
  say(`summary (${secondsSince(started)}s):`);
  for (const o of outcomes) {
    const mark = o.status === "passed" ? "✓" : o.status === "failed" ? "✗" : "-";
    say(
      `  ${mark} ${o.name.padEnd(22)} ${o.status === "skipped" ? "skipped" : `${o.seconds.toFixed(1)}s`}${o.status === "failed" && o.detail ? `  ${firstLine(o.detail)}` : ""}`,
    );
  }
  if (skipped.length > 0) say(`${skipped.length} skipped: ${skipped.map((o) => o.name).join(", ")}`);
  for (const o of outcomes) if (o.flaky) say(`flaky: ${o.name} ${o.flaky}`);
  say(`${passed.length} passed, ${failed.length} failed`);
  return failed.length > 0 ? 1 : 0;
}

/** Runs one scenario against a ready sandbox; reports and returns its outcome. */
async function runOne(scenario: Scenario, sandbox: Sandbox, flags: Flags): Promise<Outcome> {
  const started = performance.now();
  const workDir = workspaceRoot(scenario.name);
  const calls: DhowCall[] = [];
  const logs: string[] = [];
  const hosts = sandbox.hosts.slice(0, scenario.hosts ?? DEFAULT_HOSTS);
  const log = (line: string) => {
    logs.push(line);
    if (flags.verbose) say(`  ${line}`);
  };
  const stream = flags.stream ? (chunk: string) => process.stdout.write(chunk.replace(/^/gm, "    │ ")) : undefined;
  let currentStep = "";
  const context: ScenarioContext = {
    sandbox,
    hosts,
    calls,
    workDir,
    log,
    app: (template, options = {}) =>
      createApp({
        template,
        sandbox: sandbox.env,
        root: workDir,
        calls: callLogger(calls, log),
        ...(options.withSite === undefined ? {} : { withSite: options.withSite }),
        ...(options.env ? { env: options.env } : {}),
        ...(stream ? { stream } : {}),
      }),
    async step(name, work) {
      const outer = currentStep;
      currentStep = outer ? `${outer} › ${name}` : name;
      const t = performance.now();
      log(`▸ ${currentStep}`);
      try {
        const value = await work();
        log(`  ${currentStep}: ${secondsSince(t)}s`);
        return value;
      } finally {
        currentStep = outer;
      }
    },
  };
  say(`▶ ${scenario.name}: ${scenario.description}`);
  try {
    await withTimeout(
      scenario.run(context),
      SCENARIO_TIMEOUT_MS,
      `${scenario.name} did not finish in ${SCENARIO_TIMEOUT_MS / 60_000} min`,
    );
    const seconds = (performance.now() - started) / 1000;
    say(`✓ ${scenario.name} (${seconds.toFixed(1)}s${timingNote(calls)})`);
    rmSync(workDir, { recursive: true, force: true });
    return { name: scenario.name, status: "passed", seconds };
  } catch (error) {
    const seconds = (performance.now() - started) / 1000;
    const where = currentStep ? `[${currentStep}] ` : "";
    const detail = `${where}${message(error)}`;
    say(`✗ ${scenario.name} (${seconds.toFixed(1)}s): ${detail}`);
    if (!(error instanceof Error && error.name === "ScenarioFailure") && error instanceof Error && error.stack) {
      say(indent(error.stack));
    }
    say(failureReport(logs, calls, detail));
    say(indent(await dumpServers(sandbox).catch((e) => `(could not collect container logs: ${message(e)})`)));
    say(`  workspace kept: ${workDir}`);
    return { name: scenario.name, status: "failed", seconds, detail };
  }
}

/** Records each dhow call and logs it with its duration. */
function callLogger(calls: DhowCall[], log: (line: string) => void): DhowCall[] {
  return new Proxy(calls, {
    get(target, property, receiver) {
      if (property === "push") {
        return (...items: DhowCall[]) => {
          for (const call of items) {
            log(`  dhow ${call.args.join(" ")} → exit ${call.result.code} in ${call.result.seconds.toFixed(1)}s`);
          }
          return target.push(...items);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

function failureReport(logs: readonly string[], calls: readonly DhowCall[], detail: string): string {
  const lines = ["  steps:", ...logs.map((line) => `    ${line}`)];
  const last = calls[calls.length - 1];
  // a failed dhow call already carries its output in the failure message
  if (last && !detail.includes(`\`dhow ${last.args.join(" ")}\``)) {
    lines.push(`  output of the last dhow call (dhow ${last.args.join(" ")}, exit ${last.result.code}):`);
    lines.push(indent(tail(`${last.result.stdout}${last.result.stderr}`, 60), "    | "));
  }
  return lines.join("\n");
}

/** "; 5 dhow calls, 41.2s" */
function timingNote(calls: readonly DhowCall[]): string {
  if (calls.length === 0) return "";
  const total = calls.reduce((sum, call) => sum + call.result.seconds, 0);
  return `; ${calls.length} dhow calls, ${total.toFixed(1)}s`;
}

async function loadScenarios(): Promise<Scenario[]> {
  const dir = existsSync(join(SCENARIOS_DIR, "dist")) ? join(SCENARIOS_DIR, "dist") : SCENARIOS_DIR;
  const files = readdirSync(dir)
    .filter((file) => file.endsWith(".scenario.js"))
    .sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: Scenario };
    const scenario = module.default;
    const expected = file.slice(0, -".scenario.js".length);
    if (!scenario || typeof scenario.run !== "function") throw new Error(`${file}: no default-exported scenario`);
    if (scenario.name !== expected)
      throw new Error(`${file}: scenario is named "${scenario.name}", expected "${expected}"`);
    scenarios.push(scenario);
  }
  return scenarios;
}

function findScenario(scenarios: readonly Scenario[], name: string): Scenario {
  const found = scenarios.find((s) => s.name === name);
  if (!found) throw new UsageError(`no scenario "${name}"; known: ${scenarios.map((s) => s.name).join(", ")}`);
  return found;
}

function preflight(): void {
  if (process.getuid?.() !== 0) throw new Error("the scenarios need root (the sandbox uses network namespaces)");
  if (!existsSync(DHOW_BIN)) throw new Error(`${DHOW_BIN} is missing: run \`npx tsc -b packages/dhow\``);
  if (!existsSync(SANDBOX_CLI)) throw new Error(`${SANDBOX_CLI} is missing: run \`npx tsc -b test/sandbox\``);
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    list: false,
    all: false,
    fresh: false,
    keep: false,
    reuse: false,
    verbose: false,
    stream: false,
    retries: 0,
    names: [],
  };
  for (const arg of argv) {
    if (arg === "--list") flags.list = true;
    else if (arg === "--all") flags.all = true;
    else if (arg === "--fresh") flags.fresh = true;
    else if (arg === "--keep") flags.keep = true;
    else if (arg === "--reuse") flags.reuse = flags.keep = true;
    else if (arg === "--verbose" || arg === "-v") flags.verbose = true;
    else if (arg === "--stream") flags.stream = flags.verbose = true;
    else if (arg.startsWith("--retries=")) flags.retries = Number(arg.slice("--retries=".length)) || 0;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else flags.names.push(arg);
  }
  if (flags.all && flags.names.length > 0) throw new UsageError("--all runs every scenario; do not also name some");
  return flags;
}

class UsageError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 140 ? `${line.slice(0, 137)}...` : line;
}

function indent(text: string, prefix = "  "): string {
  return text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}

function secondsSince(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`scenario: ${message(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    else process.stdout.write("0 passed, 1 failed\n");
    process.exitCode = 2;
  },
);
