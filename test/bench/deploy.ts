/**
 * Deploy bench (`npm run bench:deploy [-- --servers 1,2,10 --delays 0,50,100 --runs 3 --keep]`), issue 11:
 * for each server count it starts the sandbox (test/sandbox, programmatic API), builds dhow's proxy image,
 * runs `dhow setup` once, then for each added round-trip time deploys the example app's web role
 * (examples/hello, prebuilt image, a new commit each run) `--runs` times with `dhow -v deploy --skip-push`,
 * timing each deploy and reading its round trips per host from the `SSH round trips:` line. With
 * KAMAL_BIN set, every run also deploys the same app with Kamal on the same sandbox, alternating which goes
 * first. The Docker work itself (pull, container start, proxy health check + switch) is read from each
 * server's engine, so the table shows the floor beside the wall times. See README.md here for the figures.
 *
 * Needs root (the sandbox does) and the built CLIs (`npm run bench:deploy` builds them first).
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type BareDeploy,
  busyCpuSeconds,
  type Cell,
  closingLines,
  type DockerWork,
  describeTrips,
  dockerWork,
  median,
  parseEvents,
  parseRoundTrips,
  type RunResult,
  table,
} from "./deploy-report.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const DHOW = join(REPO_ROOT, "packages", "dhow", "dist", "bin", "dhow.js");
const SANDBOX_DIST = join(REPO_ROOT, "test", "sandbox", "dist");
const EXAMPLE = join(REPO_ROOT, "examples", "hello");
/** What of the example is not copied: its own config and secrets (the bench writes its own). */
const NOT_COPIED = new Set(["config", ".kamal"]);
const SERVICE = "hello";
const IMAGE = "examples/hello";
const DEPLOY_TIMEOUT_MS = 600_000;

// ---------------------------------------------------------------- the sandbox's programmatic API

/** test/sandbox's Layout, as far as the bench uses it. */
interface Layout {
  readonly stateDir: string;
}

/** test/sandbox's SandboxEnv. */
interface SandboxEnv {
  readonly hosts: readonly string[];
  readonly sshUser: string;
  readonly sshKey: string;
  readonly registry: string;
  readonly dockerHost: string;
  readonly images: { readonly node: string };
}

/** The parts of test/sandbox/dist the bench calls (it has no type declarations: a plain tsc -b project). */
interface SandboxApi {
  up(layout: Layout, options: { hosts: number; delayMs?: number; log: (line: string) => void }): Promise<SandboxEnv>;
  down(layout: Layout, options: { log: (line: string) => void }): Promise<void>;
  readEnv(layout: Layout): SandboxEnv | undefined;
  layoutFromEnv(env: NodeJS.ProcessEnv): Layout;
  dockerSocket(layout: Layout, node: string): string;
  setDelay(layout: Layout, servers: readonly string[], ms: number): Promise<string | undefined>;
}

async function loadSandbox(): Promise<SandboxApi> {
  const load = async (file: string) => {
    const path = join(SANDBOX_DIST, file);
    if (!existsSync(path)) throw new Error(`${path} is missing: build it with \`npx tsc -b test/sandbox\``);
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  };
  const [sandbox, layout, delay] = await Promise.all([load("sandbox.js"), load("layout.js"), load("delay.js")]);
  return { ...sandbox, ...layout, ...delay } as unknown as SandboxApi;
}

// ---------------------------------------------------------------- options

interface Options {
  readonly servers: readonly number[];
  readonly delays: readonly number[];
  readonly runs: number;
  readonly keep: boolean;
  /** KAMAL_BIN split into a program and its leading arguments (e.g. `bundle exec kamal`). */
  readonly kamal: readonly string[] | undefined;
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const values: Record<string, string> = {};
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--keep") {
      keep = true;
      continue;
    }
    const match = /^--(servers|delays|runs)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}; usage: --servers 1,2,10 --delays 0,50,100 --runs 3 --keep`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    values[match[1]!] = value;
  }
  const list = (name: string, fallback: string, min: number) => {
    const text = values[name] ?? env[`BENCH_${name.toUpperCase()}`] ?? fallback;
    const numbers = text.split(",").map((part) => Number(part.trim()));
    if (numbers.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < min)) {
      throw new Error(`--${name} takes integers ≥ ${min} separated by commas, got "${text}"`);
    }
    return numbers;
  };
  const runs = list("runs", "3", 1);
  if (runs.length !== 1) throw new Error("--runs takes one integer");
  const kamalBin = env["KAMAL_BIN"]?.trim();
  return {
    servers: list("servers", "1,2,10", 1),
    delays: list("delays", "0,50,100", 0),
    runs: runs[0]!,
    keep,
    kamal: kamalBin ? kamalBin.split(/\s+/) : undefined,
  };
}

// ---------------------------------------------------------------- processes

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a program (no shell), capturing its output; kills it after `timeoutMs`. */
function run(
  file: string,
  args: readonly string[],
  { cwd, env, timeoutMs = 300_000 }: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Result> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(file, args, { cwd, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => err.push(Buffer.from(`${error.message}\n`)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}

/** Like `run`, but throws with the output's tail when the program fails. */
async function must(file: string, args: readonly string[], options: Parameters<typeof run>[2] = {}): Promise<Result> {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    const output = `${result.stdout}${result.stderr}`.trimEnd().split("\n").slice(-40).join("\n");
    throw new Error(`${[file, ...args].join(" ")} failed (exit ${result.code}):\n${output}`);
  }
  return result;
}

// ---------------------------------------------------------------- the app

/** The example app's web role only: no workers, accessories or depends_on; dhow's proxy image for both tools. */
function benchConfig(env: SandboxEnv): string {
  return [
    "# Written by test/bench/deploy.ts: examples/hello's web role alone, on every sandbox server.",
    `service: ${SERVICE}`,
    `image: ${IMAGE}`,
    "servers:",
    "  web:",
    "    hosts:",
    ...env.hosts.map((host) => `      - ${host}`),
    "proxy:",
    "  app_port: 3000",
    "  healthcheck:",
    "    path: /up",
    "    interval: 1",
    "  # dhow's own proxy image (built by `dhow proxy build`), named so that Kamal runs it too.",
    "  run:",
    `    registry: ${env.registry}`,
    `    repository: ${dirname(IMAGE)}/dhow-proxy`,
    "    version: v0.9.2",
    "deploy_timeout: 20",
    "drain_timeout: 5",
    "registry:",
    `  server: ${env.registry}`,
    "  username: sandbox",
    "  password:",
    "    - KAMAL_REGISTRY_PASSWORD",
    "builder:",
    "  arch: amd64",
    "ssh:",
    `  user: ${env.sshUser}`,
    "  keys:",
    `    - ${env.sshKey}`,
    "  config: false",
    "",
  ].join("\n");
}

/** The app's git checkout and the builder engine that makes one image per version. */
class BenchApp {
  readonly dir: string;
  readonly #env: SandboxEnv;
  readonly #vars: NodeJS.ProcessEnv;
  #count = 0;

  constructor(env: SandboxEnv) {
    this.#env = env;
    this.dir = mkdtempSync(join(tmpdir(), "dhow-bench-deploy-"));
    const vars: NodeJS.ProcessEnv = {
      ...process.env,
      DHOW_SANDBOX_HOSTS: env.hosts.join(" "),
      DHOW_SANDBOX_SSH_USER: env.sshUser,
      DHOW_SANDBOX_SSH_KEY: env.sshKey,
      DHOW_SANDBOX_REGISTRY: env.registry,
      DHOW_SANDBOX_NODE_IMAGE: env.images.node,
      DOCKER_HOST: env.dockerHost,
      NO_COLOR: "1",
    };
    delete vars["VERSION"];
    this.#vars = vars;
  }

  get env(): NodeJS.ProcessEnv {
    return this.#vars;
  }

  async init(): Promise<void> {
    for (const file of readdirSync(EXAMPLE)) {
      if (!NOT_COPIED.has(file)) cpSync(join(EXAMPLE, file), join(this.dir, file), { recursive: true });
    }
    mkdirSync(join(this.dir, "config"));
    writeFileSync(join(this.dir, "config", "deploy.yml"), benchConfig(this.#env));
    mkdirSync(join(this.dir, ".kamal"));
    writeFileSync(join(this.dir, ".kamal", "secrets"), "KAMAL_REGISTRY_PASSWORD=sandbox\n");
    await this.#git("init", "-q", "-b", "main");
    await this.#git("add", "-A");
    await this.#git("commit", "-q", "-m", "bench app");
  }

  /** The image of `version` in the sandbox registry. */
  image(version: string): string {
    return `${this.#env.registry}/${IMAGE}:${version}`;
  }

  /** Commits a new release and pushes its image (a new top layer, so every server really pulls); returns the version. */
  async nextVersion(): Promise<string> {
    this.#count++;
    writeFileSync(join(this.dir, "release.txt"), `deploy bench, release ${this.#count}\n`);
    await this.#git("commit", "-q", "-am", `release ${this.#count}`);
    const version = (await this.#git("rev-parse", "HEAD")).stdout.trim();
    await this.#docker(
      "build",
      "-q",
      "--label",
      `service=${SERVICE}`,
      "--build-arg",
      `BASE_IMAGE=${this.#env.images.node}`,
      "-t",
      this.image(version),
      ".",
    );
    await this.#docker("push", "-q", this.image(version));
    return version;
  }

  /** `dhow <args>` (or the Kamal command) in the app's directory. */
  tool(command: readonly string[], args: readonly string[]): Promise<Result> {
    const [file, ...leading] = command;
    return run(file!, [...leading, ...args], { cwd: this.dir, env: this.#vars, timeoutMs: DEPLOY_TIMEOUT_MS });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #git(...args: string[]): Promise<Result> {
    return must("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd: this.dir });
  }

  #docker(...args: string[]): Promise<Result> {
    return must("docker", args, { cwd: this.dir, env: this.#vars });
  }
}

// ---------------------------------------------------------------- measuring

const DHOW_COMMAND = [process.execPath, DHOW];

/** One deploy of a fresh version with one tool, its wall time, round trips and Docker work per server. */
async function timedDeploy(
  tool: "dhow" | "kamal",
  command: readonly string[],
  app: BenchApp,
  servers: readonly { host: string; socket: string }[],
): Promise<RunResult> {
  const version = await app.nextVersion();
  const since = Date.now() / 1000;
  const cpuBefore = machineCpu();
  const result = await app.tool(command, tool === "dhow" ? ["deploy", "-v", "--skip-push"] : ["deploy", "--skip-push"]);
  const cpuSeconds = machineCpu() - cpuBefore;
  const until = Date.now() / 1000 + 1;
  if (result.code !== 0) {
    const output = `${result.stdout}${result.stderr}`.trimEnd().split("\n").slice(-60).join("\n");
    throw new Error(`${tool} deploy of ${version} failed (exit ${result.code}) in ${app.dir}:\n${output}`);
  }
  const trips = tool === "dhow" ? parseRoundTrips(result.stdout) : undefined;
  if (tool === "dhow" && !trips) throw new Error(`dhow -v printed no "SSH round trips:" line:\n${result.stdout}`);
  const work = await Promise.all(
    servers.map(async ({ socket }): Promise<DockerWork> => {
      const events = await onEngine(
        socket,
        "events",
        "--since",
        since.toFixed(3),
        "--until",
        until.toFixed(3),
        "--format",
        "{{json .}}",
      );
      return dockerWork(parseEvents(events.stdout), app.image(version));
    }),
  );
  return { tool, seconds: result.seconds, cpuSeconds, trips, work };
}

/** A `docker` command run straight on one sandbox server's engine (its socket: no SSH, no added latency). */
function onEngine(socket: string, ...args: string[]): Promise<Result> {
  return must("docker", ["-H", `unix://${socket}`, ...args]);
}

/** The machine's busy CPU seconds so far (/proc/stat). */
function machineCpu(): number {
  return busyCpuSeconds(readFileSync("/proc/stat", "utf8"));
}

/**
 * A fresh version deployed by the bench itself on every server at once, straight on each engine (deploy-report.ts
 * `BareDeploy`): what Kamal's deploy does to Docker and the proxy, with the same names, labels, network and
 * proxy flags, and nothing else. The next deploy of either tool takes over from it as from the other tool's.
 */
async function bareDeploy(app: BenchApp, servers: readonly { socket: string }[]): Promise<BareDeploy> {
  const version = await app.nextVersion();
  const image = app.image(version);
  const name = `${SERVICE}-web-${version}`;
  const olds = await Promise.all(
    servers.map(async ({ socket }) =>
      (
        await onEngine(
          socket,
          "ps",
          "--filter",
          `label=service=${SERVICE}`,
          "--filter",
          "label=role=web",
          "--format",
          "{{.Names}}",
        )
      ).stdout
        .split("\n")
        .filter(Boolean),
    ),
  );
  const cpuBefore = machineCpu();
  const started = performance.now();
  const pullMs = await Promise.all(
    servers.map(async ({ socket }, i) => {
      const docker = (...args: string[]) => onEngine(socket, ...args);
      const pulled = await docker("pull", "-q", image);
      await docker(
        "run",
        "--detach",
        "--restart",
        "unless-stopped",
        "--name",
        name,
        "--network",
        "kamal",
        "--env",
        `KAMAL_CONTAINER_NAME=${name}`,
        "--env",
        `KAMAL_VERSION=${version}`,
        "--log-opt",
        "max-size=10m",
        "--label",
        `service=${SERVICE}`,
        "--label",
        "role=web",
        "--label",
        "destination",
        image,
      );
      await docker(
        "exec",
        "kamal-proxy",
        "kamal-proxy",
        "deploy",
        `${SERVICE}-web`,
        `--target=${name}:3000`,
        "--deploy-timeout=20s",
        "--drain-timeout=5s",
        "--health-check-interval=1s",
        "--health-check-path=/up",
        "--buffer-requests",
        "--buffer-responses",
      );
      if (olds[i]!.length > 0) await docker("stop", ...olds[i]!);
      return pulled.seconds * 1000;
    }),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: machineCpu() - cpuBefore,
    pullMs,
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (process.getuid?.() !== 0) throw new Error("the deploy bench needs root: the sandbox creates network namespaces");
  if (!existsSync(DHOW)) throw new Error(`${DHOW} is missing: run \`npm run build\` (npm run bench:deploy does)`);
  // A sandbox of the bench's own unless the caller chose one: no collision with `npm run sandbox` or scenarios.
  const layoutEnv = {
    ...process.env,
    DHOW_SANDBOX_PREFIX: process.env["DHOW_SANDBOX_PREFIX"] ?? "dhbn",
    DHOW_SANDBOX_NET: process.env["DHOW_SANDBOX_NET"] ?? "10.79.0",
    DHOW_SANDBOX_DIR: process.env["DHOW_SANDBOX_DIR"] ?? join(REPO_ROOT, ".sandbox", "bench", "run"),
    DHOW_SANDBOX_CACHE: process.env["DHOW_SANDBOX_CACHE"] ?? join(REPO_ROOT, ".sandbox", "bench", "cache"),
  };
  const sandbox = await loadSandbox();
  const layout = sandbox.layoutFromEnv(layoutEnv);
  const log = (line: string) => console.log(line);
  const quiet = () => {};
  const tools: { tool: "dhow" | "kamal"; command: readonly string[] }[] = [
    { tool: "dhow", command: DHOW_COMMAND },
    ...(options.kamal ? [{ tool: "kamal" as const, command: options.kamal }] : []),
  ];
  console.log(
    `deploy bench: servers ${options.servers.join(",")} × delays ${options.delays.join(",")} ms, ${options.runs} runs` +
      ` per cell, ${tools.map((t) => t.tool).join(" and ")} (node ${process.version})`,
  );

  const cells: Cell[] = [];
  for (const count of options.servers) {
    if (sandbox.readEnv(layout)) await sandbox.down(layout, { log: quiet });
    const started = performance.now();
    const env = await sandbox.up(layout, { hosts: count, log: quiet });
    const names = env.hosts.map((_, i) => `s${i + 1}`);
    const servers = env.hosts.map((host, i) => ({ host, socket: sandbox.dockerSocket(layout, names[i]!) }));
    const app = new BenchApp(env);
    let failed = false;
    try {
      await app.init();
      const proxy = await app.tool(DHOW_COMMAND, ["proxy", "build"]);
      if (proxy.code !== 0) throw new Error(`dhow proxy build failed:\n${proxy.stdout}${proxy.stderr}`);
      await app.nextVersion();
      const setup = await app.tool(DHOW_COMMAND, ["setup", "--skip-push"]);
      if (setup.code !== 0) throw new Error(`dhow setup failed in ${app.dir}:\n${setup.stdout}${setup.stderr}`);
      log(`${count} server(s): sandbox up and app set up in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      for (const delayMs of options.delays) {
        await sandbox.setDelay(layout, names, delayMs);
        const runs: RunResult[] = [];
        for (let i = 0; i < options.runs; i++) {
          const order = i % 2 === 0 ? tools : [...tools].reverse();
          for (const { tool, command } of order) {
            const result = await timedDeploy(tool, command, app, servers);
            runs.push(result);
            const work = result.work
              .map((w) => `${fmt(w.startMs)}/${fmt(w.healthMs)}`)
              .slice(0, 3)
              .join(" ");
            log(
              `  ${count} srv ${String(delayMs).padStart(3)} ms run ${i + 1}: ${tool.padEnd(5)} ${result.seconds.toFixed(2)} s` +
                ` (machine CPU ${result.cpuSeconds.toFixed(1)} s), round trips per host ${describeTrips(result.trips)}, start/health s ${work}${result.work.length > 3 ? " …" : ""}`,
            );
          }
        }
        const bare = await bareDeploy(app, servers);
        log(
          `  ${count} srv ${String(delayMs).padStart(3)} ms bare deploy on every server at once: ${bare.seconds.toFixed(2)} s` +
            ` (machine CPU ${bare.cpuSeconds.toFixed(1)} s), its pulls ${bare.pullMs.map((ms) => fmt(ms)).join(" ")} s`,
        );
        cells.push({ servers: count, delayMs, runs, bare });
        if (options.kamal) {
          const cell = cells.at(-1)!;
          const of = (tool: string) =>
            median(cell.runs.filter((r) => r.tool === tool).map((r) => r.seconds)) ?? Number.NaN;
          log(`  ${count} srv ${String(delayMs).padStart(3)} ms dhow/kamal: ${(of("dhow") / of("kamal")).toFixed(2)}`);
        }
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const keepApp = failed || (options.keep && count === options.servers.at(-1));
      if (!keepApp) app.cleanup();
      else console.error(`the app's checkout is kept in ${app.dir}`);
      if (!options.keep || count !== options.servers.at(-1) || failed) {
        await sandbox.down(layout, { log: quiet });
      }
    }
  }

  console.log("");
  console.log(
    "median wall time per deploy; trips/host = the most SSH round trips any host used (dhow -v);" +
      " Docker work per server (median): pull of a new version, container start, proxy health check + switch;" +
      " cpu s = the machine's busy CPU seconds per deploy (median); bare = the bench's own deploy straight on the engines",
  );
  for (const line of table(cells, { withKamal: Boolean(options.kamal) })) console.log(line);
  for (const line of closingLines(cells)) console.log(line);
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? "-" : (ms / 1000).toFixed(2);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
