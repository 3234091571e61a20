/**
 * @module
 * Test helpers for the deploy flows' tests: Kamal's §5.2 dry-run config, a recording executor scripted as
 * a healthy fleet running version OLD, local docker runners with and without buildx, fixed build facts and
 * a clock that never sleeps. Used only by `*.test.ts`.
 */
import type { LocalResult } from "../remote/local.js";
import { type RecordedCall, RecordingExecutor } from "./recording-executor.js";
import type { GatheredBuildFacts } from "../remote/build-facts.js";
import type { Timing } from "../flows/runtime/timing.js";
import { recordingLocalRunner } from "./test-context.js";
import { docker, redact } from "../commands/command.js";
import { loginWhilePulling } from "../commands/registry.js";
import { Sensitive } from "../sensitive.js";

/** Kamal's dry-run config (spec §5.2): web on two hosts behind the proxy, workers with `bin/jobs`, assets. */
export const TRACE_CONFIG = {
  service: "app",
  image: "dhh/app",
  registry: { server: "ghcr.io", username: "dhh", password: "regpw" },
  builder: { arch: "amd64", context: "." },
  servers: { web: ["1.1.1.1", "1.1.1.2"], workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" } },
  proxy: { host: "app.example.com", app_port: 3000 },
  env: { clear: { RAILS_ENV: "production" } },
  volumes: ["app_storage:/rails/storage"],
  asset_path: "/rails/public/assets",
  readiness_delay: 0,
} as const;

/** Facts of a machine where the Dockerfile exists and git is not used. */
/** `image`'s pull with the login to TRACE_CONFIG's registry beside it, as shown (credentials redacted). */
export function loginAndPull(image = "ghcr.io/dhh/app:999"): string {
  const login = docker("login", "ghcr.io", "-u", new Sensitive('"dhh"'), "-p", new Sensitive('"regpw"'));
  return redact(loginWhilePulling(login, docker("pull", image)));
}

export const BUILD_FACTS: GatheredBuildFacts = {
  dockerArch: "amd64",
  gitUsed: false,
  gitRoot: "",
  gitRevision: "",
  pwd: "/work/app",
  tmpdir: "/tmp",
  dockerfileExists: true,
};

/** A clock that jumps instead of sleeping; `slept` lists the requested sleeps (ms). */
export function instantTiming(): Timing & { readonly slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** The local runner's view of a command run through `sh -c`. */
export function localLine(args: readonly string[]): string {
  return args[0] === "-c" ? (args[1] ?? "") : args.join(" ");
}

/** A local runner where docker works; without buildx `docker buildx version` fails. */
export function localDocker({
  buildx = true,
  answer = () => undefined,
}: {
  buildx?: boolean;
  answer?: (line: string) => Partial<LocalResult> | undefined;
} = {}) {
  return recordingLocalRunner((_file, args) => {
    const line = localLine(args);
    const custom = answer(line);
    if (custom) return custom;
    if (!buildx && line.includes("docker buildx"))
      return { exitCode: 1, stderr: "docker: 'buildx' is not a docker command." };
    return {};
  });
}

/** The command lines the local runner ran through `sh -c`. */
export function localLines(runner: { calls: { file: string; args: readonly string[] }[] }): string[] {
  return runner.calls.filter((call) => call.file === "/bin/sh").map((call) => localLine(call.args));
}

/**
 * What each round trip to `host` carried, in order: a script's steps, or a single command. Uploads and
 * port forwards are left out (an upload's SFTP session counts as a round trip in `roundTrips()` only).
 */
export function roundTripsTo(executor: { readonly calls: readonly RecordedCall[] }, host: string): string[][] {
  return executor.calls
    .filter((call) => call.host === host && (call.kind === "script" || call.kind === "run"))
    .map((call) => (call.kind === "script" ? [...(call.steps ?? [])] : [call.redacted]));
}

/**
 * A fleet running `old` (default `OLD`) of every role: the current-version query answers it, a container of
 * the booted version exists once `docker run` started it (id `cid-<host>`), non-proxy containers are
 * `running`, the proxy runs v0.9.2 and no registry mirror is configured.
 */
export function fleetExecutor({ old = "OLD", version = "999" }: { old?: string; version?: string } = {}) {
  const started = new Set<string>();
  return new RecordingExecutor()
    .respond(/^docker info --format '\{\{index \.RegistryConfig\.Mirrors 0\}\}'$/, {
      exitCode: 1,
      stderr:
        'template: :1:2: executing "" at <index .RegistryConfig.Mirrors 0>: error calling index: reflect: slice index out of range',
    })
    .respond(/^docker inspect kamal-proxy --format/, { stdout: "v0.9.2\n" })
    .respond(/docker ps --latest --format/, { stdout: old ? `${old}\n` : "" })
    .respond(/^docker ps --filter label=service=app .* --format "\{\{\.Names\}\}"/, { stdout: old ? `${old}\n` : "" })
    .respond(/^docker run --detach/, (request) => {
      const name = /--name (\S+)/.exec(request.command)?.[1];
      if (name) started.add(`${request.host}:${name}`);
      return {};
    })
    .respond(/^docker container ls --all --filter 'name=\^(\S+)\$' --quiet$/, (request) => {
      const name = /name=\^(\S+)\$/.exec(request.command)?.[1] ?? "";
      return { stdout: started.has(`${request.host}:${name}`) ? `cid-${request.host}\n` : "" };
    })
    .respond((request) => request.command.includes(`-${version}$' --quiet | xargs docker inspect --format`), {
      stdout: "running\n",
    });
}
