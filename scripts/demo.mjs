#!/usr/bin/env node
// `npm run demo`: from a fresh clone to the example app (examples/hello) running on a local two-server
// sandbox, then a second release deployed while the app is polled, to show the zero-downtime switch.
//
//   1. bootstrap: npm dependencies and Ruby (scripts/bootstrap.mjs)
//   2. build dhow, its proxy and the sandbox (tsc -b)
//   3. start the sandbox: 2 servers with sshd + Docker, a registry, a builder engine (installs missing
//      Debian packages with apt the first time)
//   4. copy the example app into .sandbox/demo/hello as its own git repository, `dhow setup` (which boots
//      Redis and waits for its health check before web and workers: their `depends_on`); check that web on
//      each server reached its workers by their stable name (http://hello-workers:3001/status)
//   5. commit release 2, `dhow deploy` while polling http://<server 1>/version: count answers and errors
//
// Leaves the sandbox running; `npm run sandbox -- down` stops it. Plain Node without dependencies, since it
// runs before they are installed. Needs root (the sandbox uses network namespaces).
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SANDBOX_CLI = join(ROOT, "test", "sandbox", "dist", "cli.js");
const DHOW = join(ROOT, "packages", "dhow", "dist", "bin", "dhow.js");
const EXAMPLE = join(ROOT, "examples", "hello");
const WORKSPACE = join(ROOT, ".sandbox", "demo", "hello");
const RELEASE_2 = "Hello from dhow! (release 2)";
/** The example's stable names on each server's `kamal` network (service hello: roles web and workers, accessory redis). */
const STABLE_NAMES = ["hello-web", "hello-workers", "hello-redis"];
/** Pause between two requests of the poller (one request in flight at a time). */
const POLL_PAUSE_MS = 25;

const started = performance.now();
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (text) => (color ? `\x1b[1m${text}\x1b[22m` : text);
const green = (text) => (color ? `\x1b[32m${text}\x1b[39m` : text);
const red = (text) => (color ? `\x1b[31m${text}\x1b[39m` : text);
const dim = (text) => (color ? `\x1b[2m${text}\x1b[22m` : text);

let stepNumber = 0;
let sandboxStarted = false;
const STEPS = 5;

async function main() {
  if (process.getuid?.() !== 0) {
    fail("the demo needs root: the sandbox creates network namespaces and runs Docker engines (try sudo)");
  }

  await step("bootstrap: npm dependencies and Ruby", () => run(process.execPath, [join(ROOT, "scripts", "bootstrap.mjs")]));

  await step("build dhow, dhow-proxy and the sandbox", () =>
    run(join(ROOT, "node_modules", ".bin", "tsc"), ["-b", "packages/dhow", "packages/proxy", "test/sandbox"]),
  );

  const env = await step("start the sandbox: 2 servers, a registry and a builder engine", async () => {
    const running = await run(process.execPath, [SANDBOX_CLI, "env"], { quiet: true, allowFailure: true });
    if (running.code === 0) {
      fail(
        "a sandbox is already running (an earlier demo?). Stop it with `npm run sandbox -- down` and run the demo again.",
      );
    }
    sandboxStarted = true;
    const up = await run(process.execPath, [SANDBOX_CLI, "up", "--hosts", "2"], { stdoutQuiet: true });
    return parseEnv(up.stdout);
  });
  const hosts = env.DHOW_SANDBOX_HOSTS.split(" ");
  const url = `http://${hosts[0]}/`;
  const dhowEnv = { ...process.env, ...env };
  delete dhowEnv.VERSION;

  await step(`dhow setup: proxy, Redis, web and workers on ${hosts.join(" and ")}`, async () => {
    rmSync(WORKSPACE, { recursive: true, force: true });
    mkdirSync(dirname(WORKSPACE), { recursive: true });
    cpSync(EXAMPLE, WORKSPACE, { recursive: true });
    await git("init", "-q", "-b", "main");
    await git("add", "-A");
    await git("commit", "-q", "-m", "Release 1");
    log(dim(`the app: ${relative(process.cwd(), WORKSPACE) || "."} (a copy of examples/hello in its own git repository)`));
    const setup = await run(process.execPath, [DHOW, "setup"], { cwd: WORKSPACE, env: dhowEnv, prefix: "  │ " });
    const waits = dependencyWaits(setup.stdout);
    if (!waits.some((wait) => wait.startsWith("redis "))) {
      fail("dhow setup did not say it waited for redis (web and workers declare depends_on: [redis])");
    }
    log(green(`dhow waited for ${waits.join("; ")} before booting web and workers`));
    const first = await get(url);
    if (first.status !== 200) fail(`${url} answered ${first.status} after dhow setup:\n${first.body}`);
    for (let i = 0; i < 3; i++) await get(url);
    log(green(`${url} answers: ${headline(first.body)}`));
    for (const host of hosts) {
      const stats = await get(`http://${host}/stats`);
      const workers = stats.status === 200 ? JSON.parse(stats.body).workersStatus : { error: `HTTP ${stats.status}` };
      if (!workers?.worker) {
        fail(`web on ${host} did not reach its workers by name (http://hello-workers:3001/status): ${workers?.error ?? stats.body}`);
      }
      log(green(`web on ${host} reached http://hello-workers:3001 by name: worker ${workers.worker}, ${workers.ticks} ticks`));
    }
  });

  await step("release 2: commit, then dhow deploy while polling the app", async () => {
    writeFileSync(join(WORKSPACE, "release.txt"), `${RELEASE_2}\n`);
    await git("commit", "-q", "-am", "Release 2");
    const poller = poll(`${url}version`);
    const deploy = await run(process.execPath, [DHOW, "deploy"], { cwd: WORKSPACE, env: dhowEnv, prefix: "  │ " });
    const checked = dependencyWaits(deploy.stdout);
    if (checked.length > 0) log(`dhow checked ${checked.join("; ")} before booting release 2`);
    await sleep(500);
    const report = await poller.stop();
    const switchLine = report.sequence.map((s) => `"${shortVersions(s.body)}" ×${s.count}`).join(" → ");
    log(`polled ${url}version ${report.requests} times during the deploy: ${report.errors.length} errors`);
    log(`answers in order: ${switchLine}`);
    if (report.errors.length > 0) {
      log(red(`failed requests:\n  ${report.errors.slice(0, 10).join("\n  ")}`));
      fail("the deploy dropped requests");
    }
    if (report.sequence.length !== 2 || !report.sequence[1].body.startsWith(RELEASE_2)) {
      fail(`expected one switch from release 1 to release 2, saw ${switchLine}`);
    }
    log(green("zero downtime: every request answered, old → new version switched once"));
  });

  const stats = await get(`${url}stats`);
  const counters = stats.status === 200 ? JSON.parse(stats.body) : undefined;
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const cli = relative(process.cwd(), SANDBOX_CLI);
  log("");
  log(bold(`Done in ${seconds}s. Open ${url}`) + dim(` (also http://${hosts[1]}/; reload to count visits)`));
  log(`Stable names on the kamal network of each server: ${bold(STABLE_NAMES.join(", "))}`);
  if (counters) {
    log(`Redis says: ${counters.visits} visits counted by the workers, ${counters.ticks} worker ticks`);
  }
  log("");
  log("Try dhow on it yourself:");
  log(`  cd ${relative(process.cwd(), WORKSPACE)}`);
  log(`  eval "$(node ${relative(WORKSPACE, SANDBOX_CLI)} env)"`);
  log(`  alias dhow="node ${DHOW}"`);
  log("  dhow details; dhow app logs; dhow accessory logs redis; dhow audit");
  log(`  dhow app exec --reuse -r web "node -e 'fetch(\\"http://hello-workers:3001/status\\").then(r => r.text()).then(console.log)'"`);
  log(`  echo "Hello again" > release.txt && git commit -qam "Release 3" && dhow deploy`);
  log("");
  log(`The sandbox keeps running. Stop it with: ${bold("npm run sandbox -- down")}  (or node ${cli} down)`);
}

/** Runs one numbered step, printing its title and duration. */
async function step(title, work) {
  stepNumber++;
  const t = performance.now();
  log(bold(`[${stepNumber}/${STEPS}] ${title}`));
  const value = await work();
  log(dim(`      ${((performance.now() - t) / 1000).toFixed(1)}s`));
  return value;
}

/**
 * Runs a program; streams its output (prefixed) unless quiet; resolves with code and stdout; exits the demo
 * when it fails, unless allowFailure.
 */
function run(file, args, { cwd = ROOT, env = process.env, quiet = false, stdoutQuiet = false, prefix = "  ", allowFailure = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const show = (chunk) => {
      if (!quiet) process.stdout.write(chunk.toString().replace(/^(?=.)/gm, prefix));
    };
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!stdoutQuiet) show(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      show(chunk);
    });
    child.on("error", (error) => fail(`${file}: ${error.message}`));
    child.on("close", (code) => {
      if (code !== 0 && !allowFailure) {
        if (quiet) process.stdout.write(stderr);
        fail(`\`${[displayName(file), ...args.map(displayName)].join(" ")}\` failed (exit ${code})`);
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** node for this Node binary, paths inside the checkout relative to it, anything else as is. */
function displayName(word) {
  if (word === process.execPath) return "node";
  return word.startsWith(`${ROOT}/`) ? relative(ROOT, word) : word;
}

function git(...args) {
  return run(
    "git",
    ["-c", "user.name=dhow demo", "-c", "user.email=demo@dhow.invalid", "-c", "commit.gpgsign=false", ...args],
    { cwd: WORKSPACE, quiet: true },
  );
}

/** The `NAME="value"` lines `sandbox up`/`env` print. */
function parseEnv(text) {
  const env = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)="(.*)"$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  if (!env.DHOW_SANDBOX_HOSTS) fail(`the sandbox printed no DHOW_SANDBOX_HOSTS:\n${text}`);
  return env;
}

/** One GET; resolves with status and body (status 0 and the error message on network errors). */
function get(target, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    const req = http.get(target, { agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", (error) => resolve({ status: 0, body: error.message }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error) => resolve({ status: 0, body: error.message }));
  });
}

/** Polls `target` one request at a time until stopped; counts answers, errors and body changes. */
function poll(target) {
  let running = true;
  let requests = 0;
  const errors = [];
  const sequence = [];
  const loop = (async () => {
    while (running) {
      requests++;
      const res = await get(target);
      if (res.status !== 200) errors.push(`${res.status || "network error"}: ${res.body.trim().slice(0, 120)}`);
      else {
        const body = res.body.trim();
        const last = sequence.at(-1);
        if (last?.body === body) last.count++;
        else sequence.push({ body, count: 1 });
      }
      await sleep(POLL_PAUSE_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, errors, sequence };
    },
  };
}

/**
 * What dhow waited for, from its `<dependency> on <host> is healthy after 1.2s` lines (depends_on), as
 * `redis on 10.0.0.1 healthy after 1.2s`.
 */
function dependencyWaits(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  return [...plain.matchAll(/^(\S+) on (\S+) is (healthy|running) after ([\d.]+s)$/gm)].map(
    ([, name, host, state, time]) => `${name} on ${host} ${state} after ${time}`,
  );
}

/** Full 40-hex git versions cut to 12 characters, for display. */
function shortVersions(text) {
  return text.replace(/\b([0-9a-f]{12})[0-9a-f]{28}\b/g, "$1");
}

function headline(html) {
  const release = /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? html.trim().slice(0, 80);
  const version = /<code id="version">([^<]*)<\/code>/.exec(html)?.[1];
  return version ? `${release} (version ${version.slice(0, 12)})` : release;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(line) {
  process.stdout.write(`${line}\n`);
}

function fail(message) {
  log(red(`demo failed: ${message}`));
  if (sandboxStarted) {
    log(`The sandbox is left running for a look (npm run sandbox -- status); stop it with: npm run sandbox -- down`);
  }
  process.exit(1);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
