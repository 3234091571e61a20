/**
 * @module
 * An app as a user has it: a directory with config/deploy.yml, .kamal/ and the app's files, in its own git
 * repository (dhow takes the version from HEAD, and builds a clone of HEAD, as Kamal does). Scenarios run
 * the real `dhow` CLI in it and commit changes to get new versions.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ScenarioFailure } from "./assert.js";
import { type ExecResult, exec, tail } from "./exec.js";
import { APPS_DIR, DHOW_BIN } from "./paths.js";
import type { SandboxEnv } from "./sandbox.js";

/** One `dhow` call, kept for failure reports. */
export interface DhowCall {
  readonly app: string;
  readonly args: readonly string[];
  readonly result: ExecResult;
}

/** Options of one `dhow` call. */
export interface DhowOptions {
  /** Extra environment for this call. */
  readonly env?: Readonly<Record<string, string>>;
  /** Return a failed result instead of throwing. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
  /** Stream the output (prefixed) as it arrives. */
  readonly stream?: (chunk: string) => void;
  /** Press Ctrl-C (SIGINT) once the output matches `when`, after `delayMs`. */
  readonly interrupt?: { readonly when: RegExp; readonly delayMs?: number };
}

/** A hook run as recorded by the template hooks: its name and the KAMAL_* (and secret) variables it saw. */
export interface HookRun {
  readonly hook: string;
  readonly env: Readonly<Record<string, string>>;
}

/** An app workspace. */
export interface App {
  readonly name: string;
  readonly dir: string;
  /** Runs `dhow <args>` in the workspace; throws (with the output) when it fails, unless allowFailure. */
  dhow(args: readonly string[], options?: DhowOptions): Promise<ExecResult>;
  /** Writes files (null deletes), commits, and returns the new HEAD revision (the next deploy's version). */
  commit(message: string, changes?: Readonly<Record<string, string | null>>): Promise<string>;
  /** The current HEAD revision. */
  revision(): Promise<string>;
  /** Writes a file in the workspace without committing (e.g. a generated certificate). */
  writeFile(path: string, content: string, mode?: number): void;
  readFile(path: string): string;
  /** The hooks run so far (from the template hooks' log), oldest first. */
  hookRuns(): HookRun[];
  /** Forgets the hook runs recorded so far. */
  clearHookRuns(): void;
}

/** Options of `createApp`. */
export interface CreateAppOptions {
  /** A template under test/scenarios/apps/, or an absolute directory. */
  readonly template: string;
  /** Also copy test/scenarios/apps/_site (the tiny busybox web app) under the template (default true). */
  readonly withSite?: boolean;
  readonly sandbox: SandboxEnv;
  /** Root of the temporary workspaces of this scenario. */
  readonly root: string;
  /** Every dhow call of the scenario, for the failure report. */
  readonly calls: DhowCall[];
  /** Extra environment for every dhow call of this app. */
  readonly env?: Readonly<Record<string, string>>;
  /** Streams dhow output when set. */
  readonly stream?: (chunk: string) => void;
}

/** The git identity used for commits, so the lock holder and audit performer are predictable. */
export const GIT_USER = { name: "Deployer", email: "deployer@example.com" };

/** Where the workspaces of a run are created. */
export function workspaceRoot(scenario: string): string {
  const base = join(tmpdir(), "dhow-scenarios");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${scenario}-`));
}

/** Copies the template into a fresh git repository with one commit and returns its handle. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const name = options.template.split("/").filter(Boolean).pop() ?? "app";
  const dir = join(options.root, name);
  if (existsSync(dir)) throw new Error(`workspace ${dir} exists already: give each app of a scenario its own name`);
  mkdirSync(dir, { recursive: true });
  if (options.withSite !== false) cpSync(join(APPS_DIR, "_site"), dir, { recursive: true });
  const source = options.template.startsWith("/") ? options.template : join(APPS_DIR, options.template);
  if (!existsSync(source)) throw new Error(`app template ${source} does not exist`);
  cpSync(source, dir, { recursive: true });
  makeHooksExecutable(dir);

  const hookLog = join(options.root, `${name}.hooks.log`);
  const baseEnv: Record<string, string> = {
    ...stringEnv(process.env),
    ...options.sandbox.vars,
    ...hostAliases(options.sandbox.hosts),
    SCENARIO_HOOK_LOG: hookLog,
    ...options.env,
  };
  // A VERSION in the caller's environment would override the git revision.
  delete baseEnv["VERSION"];

  const git = async (...args: string[]) => {
    const result = await exec("git", args, { cwd: dir, timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`git ${args.join(" ")} in ${dir}: ${result.stderr.trim()}`);
    return result.stdout.trim();
  };
  await git("init", "-q", "-b", "main");
  await git("config", "user.name", GIT_USER.name);
  await git("config", "user.email", GIT_USER.email);
  await git("add", "-A");
  await git("commit", "-q", "-m", "Initial version");

  const app: App = {
    name,
    dir,
    async dhow(args, callOptions = {}) {
      const result = await exec(process.execPath, [DHOW_BIN, ...args], {
        cwd: dir,
        env: { ...baseEnv, ...callOptions.env },
        timeoutMs: callOptions.timeoutMs ?? 300_000,
        ...(callOptions.interrupt ? { interrupt: callOptions.interrupt } : {}),
        ...((callOptions.stream ?? options.stream) ? { onOutput: callOptions.stream ?? options.stream } : {}),
      });
      options.calls.push({ app: name, args, result });
      if (result.code !== 0 && !callOptions.allowFailure) {
        throw new ScenarioFailure(
          `\`dhow ${args.join(" ")}\` (${name}) failed with exit ${result.code}:\n${indent(tail(result.stdout + result.stderr, 40))}`,
        );
      }
      return result;
    },
    async commit(message, changes = {}) {
      for (const [path, content] of Object.entries(changes)) {
        if (content === null) rmSync(join(dir, path), { force: true, recursive: true });
        else app.writeFile(path, content);
      }
      await git("add", "-A");
      await git("commit", "-q", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD");
    },
    revision: () => git("rev-parse", "HEAD"),
    writeFile(path, content, mode) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      if (mode !== undefined) chmodSync(file, mode);
    },
    readFile: (path) => readFileSync(join(dir, path), "utf8"),
    hookRuns: () => (existsSync(hookLog) ? parseHookLog(readFileSync(hookLog, "utf8")) : []),
    clearHookRuns: () => rmSync(hookLog, { force: true }),
  };
  return app;
}

/**
 * `VM1`, `VM2`, … for the sandbox servers, the way Kamal's integration configs name vm1..vm3, so
 * configs can say `<%= ENV["VM1"] %>` with dhow's built-in ERB evaluator.
 */
export function hostAliases(hosts: readonly string[]): Record<string, string> {
  return Object.fromEntries(hosts.map((host, i) => [`VM${i + 1}`, host]));
}

/** The template hooks append `== <hook>` and then `NAME=value` lines. */
export function parseHookLog(text: string): HookRun[] {
  const runs: { hook: string; env: Record<string, string> }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("== ")) runs.push({ hook: line.slice(3).trim(), env: {} });
    else if (runs.length > 0 && line.includes("=")) {
      const eq = line.indexOf("=");
      runs[runs.length - 1]!.env[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return runs;
}

function makeHooksExecutable(dir: string): void {
  const hooks = join(dir, ".kamal", "hooks");
  if (!existsSync(hooks)) return;
  for (const entry of readdirSync(hooks)) chmodSync(join(hooks, entry), 0o755);
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    | ${line}`)
    .join("\n");
}
