/**
 * @module
 * Test helpers for the `depends_on` flows' tests: accessory containers on hosts, answered through the
 * recording executor. Used only by `*.test.ts`.
 */
import type { RecordingExecutor } from "./recording-executor.js";

/** An accessory container's `docker inspect` state. */
export type State = "running" | "exited" | "created";

/**
 * Accessory containers on hosts, answered through the recording executor: `docker inspect` of the state,
 * `docker ps -a -q`, `docker run`, `docker container start|prune`, the wait loop (`healthy(name, host, n)`
 * says whether the n-th wait call finds it healthy), `docker wait` and `docker logs`.
 */
export function accessoryWorld(
  executor: RecordingExecutor,
  containers: Record<string, State>,
  options: {
    healthy?: (name: string, host: string, call: number) => boolean;
    exitCode?: (name: string) => number;
    output?: (name: string) => string;
    /** Whether a container runs without a health check (the wait loop exits 3 when `healthy` is awaited). */
    noHealthcheck?: (name: string) => boolean;
    /** The `dhow.config-hash` label of a container (default: none). */
    label?: (name: string, host: string) => string;
    /** Whether the deploy's first script already finds a running container healthy (default: starting). */
    healthyWhenGathered?: (name: string, host: string) => boolean;
  } = {},
) {
  const state = new Map<string, State>(Object.entries(containers));
  const waits = new Map<string, number>();
  const key = (host: string, name: string) => `${host}:${name}`;
  executor
    // Its state and health, as the gather reads it (commands/dependency-wait.ts `stateAndHealth`).
    .respond(
      /^docker inspect --format '\{\{\.State\.Status\}\} \{\{if \.State\.Health\}\}\{\{\.State\.Health\.Status\}\}\{\{end\}\}' (\S+)$/,
      (request) => {
        const name = /(\S+)$/.exec(request.command)![1]!;
        const current = state.get(key(request.host, name));
        if (!current) return { exitCode: 1, stderr: `Error: No such object: ${name}` };
        const checked = current === "running" && !options.noHealthcheck?.(name);
        const health = !checked ? "" : options.healthyWhenGathered?.(name, request.host) ? "healthy" : "starting";
        return { stdout: `${current} ${health}\n` };
      },
    )
    .respond(/^docker ps -a -q --filter label=service=(\S+)$/, (request) => {
      const name = /service=(\S+)$/.exec(request.command)![1]!;
      return { stdout: state.has(key(request.host, name)) ? "abc\n" : "" };
    })
    .respond(/^docker run --name (\S+)/, (request) => {
      const name = /^docker run --name (\S+)/.exec(request.command)![1]!;
      state.set(key(request.host, name), "running");
      return {};
    })
    .respond(/^docker container start (\S+)$/, (request) => {
      state.set(key(request.host, /(\S+)$/.exec(request.command)![1]!), "running");
      return {};
    })
    .respond(/^docker container prune --force --filter label=service=(\S+)$/, (request) => {
      state.delete(key(request.host, /service=(\S+)$/.exec(request.command)![1]!));
      return {};
    })
    // The accessory's wait loop (not an app role's, commands/app/health-wait.ts, which reads the status by ID).
    .respond(
      ({ command }) => /^sh -c 'end=/.test(command) && ACCESSORY_WAIT_NAME.test(command),
      (request) => {
        const name = ACCESSORY_WAIT_NAME.exec(request.command)![1]!;
        const count = (waits.get(key(request.host, name)) ?? 0) + 1;
        waits.set(key(request.host, name), count);
        if (state.get(key(request.host, name)) !== "running") return { stdout: "missing\n", exitCode: 2 };
        if (options.noHealthcheck?.(name)) return { stdout: "running \n", exitCode: 3 };
        const healthy = options.healthy?.(name, request.host, count) ?? true;
        return healthy ? { stdout: "running healthy\n" } : { stdout: "running starting\n", exitCode: 1 };
      },
    )
    .respond(/^timeout \d+ docker wait (\S+)$/, (request) => {
      const name = /(\S+)$/.exec(request.command)![1]!;
      return { stdout: `${options.exitCode?.(name) ?? 0}\n` };
    })
    .respond(/^docker logs (\S+) {2}--tail \d+ 2>&1$/, (request) => ({
      stdout: options.output?.(/^docker logs (\S+)/.exec(request.command)![1]!) ?? "",
    }))
    .respond(/^docker inspect --format '\{\{index \.Config\.Labels "dhow\.config-hash"\}\}' (\S+)$/, (request) => {
      const name = /(\S+)$/.exec(request.command)![1]!;
      if (!state.has(key(request.host, name))) return { exitCode: 1, stderr: `Error: No such object: ${name}` };
      return { stdout: `${options.label?.(name, request.host) ?? ""}\n` };
    })
    .respond(/^docker container stop (\S+)$/, (request) => {
      const name = /(\S+)$/.exec(request.command)![1]!;
      if (state.has(key(request.host, name))) state.set(key(request.host, name), "exited");
      return {};
    })
    // Cross-host names: a running accessory publishes its ports on every interface.
    .respond(/^docker port (\S+)$/, (request) => {
      const name = /(\S+)$/.exec(request.command)![1]!;
      if (state.get(key(request.host, name)) !== "running")
        return { exitCode: 1, stderr: `Error: No such container: ${name}` };
      return {
        stdout:
          "6379/tcp -> 0.0.0.0:6379\n5432/tcp -> 0.0.0.0:5432\n11211/tcp -> 0.0.0.0:11211\n9200/tcp -> 0.0.0.0:9200\n",
      };
    })
    .respond(/^docker inspect --format '\{\{json \.State\.Health\}\}' /, {
      stdout: JSON.stringify({
        Status: "starting",
        Log: [{ ExitCode: 1, Output: "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n" }],
      }),
    });
  return { state, waits };
}

/** The container an accessory wait loop inspects. */
const ACCESSORY_WAIT_NAME = /\}\}" (\S+) 2> \/dev\/null/;

/**
 * `raw` with a `private_ip` for each of its hosts `1.1.1.N` (`10.0.0.N`), so cross-host names resolve
 * without discovery (which would cache into the working directory).
 */
export function withPrivateIps<T extends object>(raw: T): T & { private_ip: Record<string, string> } {
  const hosts = new Set(JSON.stringify(raw).match(/\b1\.1\.1\.\d+\b/g) ?? []);
  return {
    ...raw,
    private_ip: Object.fromEntries([...hosts].map((host) => [host, host.replace(/^1\.1\.1\./, "10.0.0.")])),
  };
}
