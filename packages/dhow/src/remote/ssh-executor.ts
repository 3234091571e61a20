/**
 * @module
 * The real executor: one pooled ssh2 connection per `user@host:port`, reused by every command. New
 * connections are capped by `maxConcurrentStarts` (Kamal's `sshkit.max_concurrent_starts`), idle ones are
 * closed after `poolIdleTimeoutMs`, keepalives every 30 s. Commands run as exec channels (at most
 * `maxChannelsPerConnection` at once, under OpenSSH's MaxSessions); uploads go over one SFTP session per
 * connection; `runScript` sends a whole phase as one `sh -s` script, through a shell kept open on the
 * connection (host-shell.ts). Every exec channel, script and SFTP session is counted per host (`roundTrips()`).
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { connect as netConnect } from "node:net";
import type { Client, ClientChannel, SFTPWrapper } from "ssh2";
import { reveal, Sensitive } from "../sensitive.js";
import {
  type CommandResult,
  CommandFailedError,
  checkResult,
  commandParts,
  type Executor,
  type ForwardOptions,
  RemoteError,
  type RemoteCommand,
  type RemoteForward,
  type RunOptions,
  type ScriptOptions,
  type ScriptResult,
  type ScriptStep,
  type UploadOptions,
  type UploadSource,
} from "./executor.js";
import { loadKnownHosts } from "./known-hosts.js";
import { type HostRoundTrips, RoundTripCounter } from "./round-trips.js";
import { HostShell, type ShellOutcome } from "./host-shell.js";
import { parseScriptOutput, type RenderedScript, renderScript, SCRIPT_SHELL, ScriptProgress } from "./remote-script.js";
import { Semaphore } from "./semaphore.js";
import { openConnection, parseHostSpec, type SshAuthSettings, type SshTarget } from "./ssh-connect.js";
import {
  defaultSshConfigFiles,
  parseSshConfig,
  type ReadConfigFile,
  readConfigFiles,
  resolveSshHost,
  type SshConfigBlock,
} from "./ssh-config.js";

/** Kamal's `ssh` and `sshkit` settings, as the executor takes them. */
export interface SshExecutorOptions {
  /** Login user (default: ~/.ssh/config's User, else root). Kamal always passes its `ssh.user` (root). */
  readonly user?: string;
  /** Default: ~/.ssh/config's Port, else 22. A host written `host:port` overrides it. */
  readonly port?: number;
  /** Private key files (`ssh.keys`). */
  readonly keys?: readonly string[];
  /** Private keys as PEM text (`ssh.key_data`, resolved from secrets). */
  readonly keyData?: readonly (string | Sensitive)[];
  /** Only the configured keys: no agent, no default identities (`ssh.keys_only`). */
  readonly keysOnly?: boolean;
  /** ssh-agent socket (default: $SSH_AUTH_SOCK); false for none. */
  readonly agent?: string | false;
  /** true (default): ~/.ssh/config and /etc/ssh/ssh_config; false: none; a path or paths: those (`ssh.config`). */
  readonly config?: boolean | string | readonly string[];
  /** Jump host `[user@]host[:port]` (`ssh.proxy`; user defaults to root). Comma-separated for a chain. */
  readonly proxy?: string;
  /** A command whose stdin/stdout is the connection, `%h %p %r` expanded (`ssh.proxy_command`). */
  readonly proxyCommand?: string;
  /** known_hosts files (default: ~/.ssh/known_hosts plus the config's UserKnownHostsFile); false: no checks. */
  readonly knownHosts?: readonly string[] | false;
  /** Refuse hosts that are not in known_hosts (default false: accept them, like net-ssh's default). */
  readonly strictHostKeys?: boolean;
  readonly keepaliveIntervalMs?: number;
  /** At most this many connection handshakes at once (`sshkit.max_concurrent_starts`). */
  readonly maxConcurrentStarts?: number;
  /** Close connections unused this long (`sshkit.pool_idle_timeout`). */
  readonly poolIdleTimeoutMs?: number;
  /** Exec/SFTP channels open at once per connection (OpenSSH's MaxSessions is 10). */
  readonly maxChannelsPerConnection?: number;
  /** Retries of a connection whose host name did not resolve (`sshkit.dns_retries`). */
  readonly dnsRetries?: number;
  readonly readyTimeoutMs?: number;
  /** Reads config files (tests inject one). */
  readonly readConfig?: ReadConfigFile;
}

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 30_000;
export const DEFAULT_MAX_CONCURRENT_STARTS = 30;
export const DEFAULT_POOL_IDLE_TIMEOUT_MS = 900_000;
export const DEFAULT_MAX_CHANNELS_PER_CONNECTION = 8;
export const DEFAULT_DNS_RETRIES = 3;
export const DEFAULT_READY_TIMEOUT_MS = 20_000;
/** The remote bind address of `forwardRemotePort` (Kamal: `forward.remote(port, "localhost", port, "127.0.0.1")`). */
export const FORWARD_BIND_ADDRESS = "127.0.0.1";

/** Runs commands over pooled SSH connections. A long-lived resource: call `close()` when done. */
export class SshExecutor implements Executor {
  readonly #options: SshExecutorOptions;
  readonly #pool = new Map<string, Promise<PooledConnection>>();
  readonly #starts: Semaphore;
  readonly #roundTrips = new RoundTripCounter();
  #blocks: SshConfigBlock[] | undefined;
  #auth: SshAuthSettings | undefined;
  #opened = 0;

  constructor(options: SshExecutorOptions = {}) {
    this.#options = options;
    this.#starts = new Semaphore(options.maxConcurrentStarts ?? DEFAULT_MAX_CONCURRENT_STARTS);
  }

  /** How many connections were opened so far (for tests and verbose output). */
  get connectionsOpened(): number {
    return this.#opened;
  }

  /** Pool keys of the connections that are open now. */
  get openConnections(): string[] {
    return [...this.#pool.keys()];
  }

  warm(hosts: readonly string[]): void {
    for (const host of new Set(hosts)) {
      // The connection stays pooled for the first command; a failure is left for that command to report (the
      // failed entry leaves the pool, so it connects again).
      this.#acquire(host).then(
        (connection) => connection.release(),
        () => {},
      );
    }
  }

  roundTrips(): HostRoundTrips[] {
    return this.#roundTrips.snapshot();
  }

  async run(host: string, command: RemoteCommand, options: RunOptions = {}): Promise<CommandResult> {
    const { command: text, redacted, secrets } = commandParts(command);
    const outcome = await this.#exec(host, text, redacted, options);
    return checkResult(outcome, { allowFailure: options.allowFailure, secrets });
  }

  async runScript(host: string, steps: readonly ScriptStep[], options: ScriptOptions = {}): Promise<ScriptResult> {
    const script = renderScript(steps);
    const onStep = options.onStep;
    const progress = new ScriptProgress(script.nonce, (event) => {
      const step = steps[event.index];
      if (!onStep || !step) return;
      onStep({ host, ...event, redacted: commandParts(step.command).redacted });
    });
    const startedAt = Date.now();
    const outcome = await this.#script(host, script, (chunk, stream) => {
      if (stream === "stdout") progress.push(chunk);
    });
    const result = parseScriptOutput({
      script,
      host,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      exitCode: outcome.exitCode,
      startedAt,
      finishedAt: Date.now(),
      progress,
    });
    if (result.failedStep !== undefined && !options.allowFailure) {
      const failed = result.steps[result.failedStep]!;
      throw new CommandFailedError(failed, {
        secrets: commandParts(steps[result.failedStep]!.command).secrets,
        script: result,
      });
    }
    return result;
  }

  async upload(host: string, source: UploadSource, remotePath: string, options: UploadOptions = {}): Promise<void> {
    const data =
      "path" in source
        ? await readFile(source.path)
        : source.content instanceof Sensitive
          ? Buffer.from(reveal(source.content))
          : Buffer.from(source.content);
    await this.#withChannel(host, async (connection) => {
      const sftp = await connection.sftp(() => this.#roundTrips.sftp(host));
      try {
        await new Promise<void>((resolve, reject) => {
          sftp.writeFile(remotePath, data, options.mode === undefined ? {} : { mode: options.mode }, (error) =>
            error ? reject(error) : resolve(),
          );
        });
        if (options.mode !== undefined) {
          await new Promise<void>((resolve, reject) => {
            sftp.chmod(remotePath, options.mode!, (error) => (error ? reject(error) : resolve()));
          });
        }
      } catch (error) {
        // The connection (or its cached SFTP session) died before the write: writing a whole file again is
        // safe, so it is retried once on a new connection.
        if (error instanceof StaleConnectionError || connection.closed || isStale(error as Error)) {
          throw new StaleConnectionError((error as Error).message);
        }
        throw new RemoteError(host, `upload of ${remotePath} to ${host} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    });
  }

  async forwardRemotePort(host: string, port: number, options: ForwardOptions = {}): Promise<RemoteForward> {
    const connection = await this.#acquire(host);
    try {
      await connection.forward(port, { host: options.localHost ?? "127.0.0.1", port: options.localPort ?? port });
    } catch (error) {
      connection.release();
      throw new RemoteError(host, `remote port forward ${port} on ${host} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let closed = false;
    return {
      host,
      remotePort: port,
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await connection.unforward(port);
        } finally {
          connection.release();
        }
      },
    };
  }

  async close(): Promise<void> {
    const entries = [...this.#pool.values()];
    this.#pool.clear();
    const connections = await Promise.allSettled(entries);
    for (const entry of connections) {
      if (entry.status === "fulfilled") entry.value.end();
    }
  }

  // ---------------------------------------------------------------- private

  /**
   * Runs a script through the connection's open shell (host-shell.ts), opening it with the script when the
   * connection has none; on a one-shot channel when the shell is busy with another script of this host.
   * Either way one round trip is counted. Resolves with the result whatever the exit code.
   */
  async #script(
    host: string,
    script: RenderedScript,
    onOutput: (chunk: string, stream: "stdout" | "stderr") => void,
  ): Promise<CommandResult> {
    for (let attempt = 0; ; attempt++) {
      const connection = await this.#acquire(host);
      const started = Date.now();
      try {
        const running = await connection.runInShell(host, script, onOutput, () => this.#roundTrips.exec(host));
        if (running) {
          const outcome = await running;
          return {
            host,
            command: SCRIPT_SHELL,
            redacted: script.redacted,
            ...outcome,
            durationMs: Date.now() - started,
          };
        }
      } catch (error) {
        if (!(error instanceof StaleConnectionError)) throw error;
        connection.end();
        if (attempt > 0) {
          throw new RemoteError(host, `ssh connection to ${host} failed: ${error.message}`, { cause: error });
        }
        continue;
      } finally {
        connection.release();
      }
      return this.#exec(host, SCRIPT_SHELL, script.redacted, { input: script.text, onOutput });
    }
  }

  /** Runs one exec channel; resolves with the result whatever the exit code. */
  async #exec(host: string, command: string, redacted: string, options: RunOptions): Promise<CommandResult> {
    return this.#withChannel(host, async (connection) => {
      const started = Date.now();
      return connection.exec(command, (channel) => {
        this.#roundTrips.exec(host);
        return collect(channel, { host, command, redacted, started, options, lost: () => connection.closed });
      });
    });
  }

  /**
   * Runs fn holding the host's connection and one of its channel slots. When the pooled connection turns
   * out to be dead as the channel opens (nothing ran yet), it is dropped and fn retried once on a new one.
   */
  async #withChannel<T>(host: string, fn: (connection: PooledConnection) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const connection = await this.#acquire(host);
      const release = await connection.channels.acquire();
      try {
        return await fn(connection);
      } catch (error) {
        if (!(error instanceof StaleConnectionError)) throw error;
        connection.end();
        if (attempt > 0) {
          throw new RemoteError(host, `ssh connection to ${host} failed: ${error.message}`, { cause: error });
        }
      } finally {
        release();
        connection.release();
      }
    }
  }

  /**
   * A live pooled connection for `host`, marked in use (call `release()`); reconnects a dead one. `route`
   * overrides the jump host chain (jump hosts themselves are reached through the earlier hops only).
   */
  async #acquire(host: string, route?: string): Promise<PooledConnection> {
    const target = this.#target(host, route);
    for (let attempt = 0; ; attempt++) {
      let entry = this.#pool.get(target.key);
      if (!entry) {
        entry = this.#connect(target);
        this.#pool.set(target.key, entry);
        entry.catch(() => {
          if (this.#pool.get(target.key) === entry) this.#pool.delete(target.key);
        });
      }
      const connection = await entry;
      if (!connection.closed) {
        connection.retain();
        return connection;
      }
      if (this.#pool.get(target.key) === entry) this.#pool.delete(target.key);
      if (attempt > 0) throw new RemoteError(host, `ssh connection to ${host} closed right after it was opened`);
    }
  }

  async #connect(target: PoolTarget): Promise<PooledConnection> {
    const auth = this.#authSettings();
    let jump: PooledConnection | undefined;
    let sock: ClientChannel | undefined;
    if (target.route) {
      const hops = target.route.split(",").map((hop) => hop.trim());
      const spec = parseHostSpec(hops.pop()!);
      const jumpHost = `${spec.user ?? "root"}@${spec.port ? `${spec.host}:${spec.port}` : spec.host}`;
      jump = await this.#acquire(jumpHost, hops.join(","));
      try {
        sock = await jump.forwardOut(target.hostName, target.port);
      } catch (error) {
        jump.release();
        throw new RemoteError(
          target.label,
          `ssh ${target.user}@${target.hostName}:${target.port} via ${jumpHost}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    const release = await this.#starts.acquire();
    try {
      const opened = await this.#withDnsRetries(() =>
        openConnection({ target, auth, proxyCommand: target.proxyCommand, sock }),
      );
      this.#opened++;
      const connection = new PooledConnection({
        key: target.key,
        opened,
        idleTimeoutMs: this.#options.poolIdleTimeoutMs ?? DEFAULT_POOL_IDLE_TIMEOUT_MS,
        maxChannels: this.#options.maxChannelsPerConnection ?? DEFAULT_MAX_CHANNELS_PER_CONNECTION,
        onClosed: () => {
          const entry = this.#pool.get(target.key);
          void entry?.then((current) => {
            if (current === connection && this.#pool.get(target.key) === entry) this.#pool.delete(target.key);
          });
          jump?.release();
        },
      });
      return connection;
    } catch (error) {
      jump?.release();
      throw error;
    } finally {
      release();
    }
  }

  async #withDnsRetries<T>(fn: () => Promise<T>): Promise<T> {
    const retries = this.#options.dnsRetries ?? DEFAULT_DNS_RETRIES;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const code = ((error as Error).cause as { code?: string } | undefined)?.code;
        if (attempt >= retries || (code !== "EAI_AGAIN" && code !== "ENOTFOUND")) throw error;
        const delay = Math.min(2000, 100 * 2 ** attempt) + Math.random() * 100;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  #target(host: string, routeOverride: string | undefined): PoolTarget {
    const spec = parseHostSpec(host);
    const config = resolveSshHost(this.#configBlocks(), spec.host, {
      user: spec.user ?? this.#options.user,
      port: spec.port ?? this.#options.port,
    });
    const user = spec.user ?? this.#options.user ?? config.user ?? "root";
    const port = spec.port ?? this.#options.port ?? config.port ?? 22;
    const hostName = config.hostName ?? spec.host;
    const proxyCommand = routeOverride === undefined ? (this.#options.proxyCommand ?? config.proxyCommand) : undefined;
    const route = routeOverride ?? (proxyCommand ? "" : (this.#options.proxy ?? config.proxyJump ?? ""));
    const via = route ? ` via ${route}` : proxyCommand ? ` via (${proxyCommand})` : "";
    return { label: host, hostName, user, port, key: `${user}@${hostName}:${port}${via}`, config, route, proxyCommand };
  }

  #configBlocks(): SshConfigBlock[] {
    if (this.#blocks) return this.#blocks;
    const setting = this.#options.config ?? true;
    const files = setting === true ? defaultSshConfigFiles() : setting === false ? [] : [setting].flat();
    const read = this.#options.readConfig ?? readConfigFiles;
    this.#blocks = files.flatMap((file) => {
      const text = read(file);
      return text === undefined ? [] : parseSshConfig(text, { read });
    });
    return this.#blocks;
  }

  #authSettings(): SshAuthSettings {
    if (this.#auth) return this.#auth;
    const knownHostsFiles =
      this.#options.knownHosts === false
        ? []
        : (this.#options.knownHosts ?? [
            join(homedir(), ".ssh", "known_hosts"),
            ...this.#configBlocks().flatMap((block) =>
              block.options.filter(([keyword]) => keyword === "userknownhostsfile").map(([, value]) => value),
            ),
          ]);
    const agent = this.#options.agent === false ? undefined : (this.#options.agent ?? process.env["SSH_AUTH_SOCK"]);
    this.#auth = {
      keys: this.#options.keys ?? [],
      keyData: this.#options.keyData ?? [],
      keysOnly: this.#options.keysOnly ?? false,
      agent: agent || undefined,
      knownHosts: loadKnownHosts(knownHostsFiles),
      strictHostKeys: this.#options.strictHostKeys ?? false,
      keepaliveIntervalMs: this.#options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
      readyTimeoutMs: this.#options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    };
    return this.#auth;
  }
}

/** A target plus how it is reached. */
interface PoolTarget extends SshTarget {
  /** Jump host chain (`a,b`: through a to b, then to the target); "" for direct. */
  readonly route: string;
  readonly proxyCommand: string | undefined;
}

/** One open connection in the pool: use count, idle timer, channel cap, SFTP session, remote forwards. */
class PooledConnection {
  readonly key: string;
  readonly channels: Semaphore;
  closed = false;
  readonly #client: Client;
  readonly #dispose: () => void;
  readonly #idleTimeoutMs: number;
  readonly #forwards = new Map<number, { host: string; port: number }>();
  #users = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #sftp: Promise<SFTPWrapper> | undefined;
  #shell: HostShell | undefined;
  #openingShell = false;

  constructor({
    key,
    opened,
    idleTimeoutMs,
    maxChannels,
    onClosed,
  }: {
    key: string;
    opened: { client: Client; dispose: () => void };
    idleTimeoutMs: number;
    maxChannels: number;
    onClosed: () => void;
  }) {
    this.key = key;
    this.#client = opened.client;
    this.#dispose = opened.dispose;
    this.#idleTimeoutMs = idleTimeoutMs;
    this.channels = new Semaphore(maxChannels);
    this.#client.on("error", () => {}); // a dead connection also emits close, handled below
    this.#client.on("close", () => {
      this.closed = true;
      clearTimeout(this.#idleTimer);
      this.#dispose();
      onClosed();
    });
    this.#client.on("tcp connection", (info, accept, reject) => {
      const target = this.#forwards.get(info.destPort);
      if (!target) return reject();
      const channel = accept();
      const socket = netConnect(target.port, target.host);
      socket.on("error", () => channel.close());
      channel.on("error", () => socket.destroy());
      channel.pipe(socket).pipe(channel);
    });
    this.#scheduleIdle();
  }

  retain(): void {
    this.#users++;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  release(): void {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users === 0) this.#scheduleIdle();
  }

  /**
   * Opens an exec channel and hands it to `use` synchronously, inside ssh2's callback: the exit status and
   * close can arrive in the same read as the channel confirmation, so listeners must be attached at once.
   * A dead connection rejects with StaleConnectionError.
   */
  async exec<T>(command: string, use: (channel: ClientChannel) => Promise<T>): Promise<T> {
    let used: Promise<T> | undefined;
    await this.#open<ClientChannel>((callback) =>
      this.#client.exec(command, (error, channel) => {
        if (!error) used = use(channel);
        callback(error, channel);
      }),
    );
    return used!;
  }

  /**
   * Runs `script` through this connection's shell, opening it (with a channel slot it keeps) when there is
   * none or the last one closed; `opened` is called as the script goes out. Undefined, running nothing, when
   * the shell is busy with another script or being opened, or the connection allows one channel at a time:
   * the caller uses a one-shot channel then.
   */
  async runInShell(
    host: string,
    script: RenderedScript,
    onOutput: (chunk: string, stream: "stdout" | "stderr") => void,
    opened: () => void,
  ): Promise<Promise<ShellOutcome> | undefined> {
    if (this.#shell?.closed) this.#shell = undefined;
    const shell = this.#shell;
    if (shell) {
      if (!shell.idle || this.closed) return undefined;
      opened();
      return shell.run(script, onOutput);
    }
    // The shell keeps its channel slot: with a single slot per connection it would starve every other command.
    if (this.#openingShell || this.channels.limit < 2) return undefined;
    this.#openingShell = true;
    const release = await this.channels.acquire();
    let started: Promise<ShellOutcome> | undefined;
    try {
      await this.#open<ClientChannel>((callback) =>
        this.#client.exec(SCRIPT_SHELL, (error, channel) => {
          if (!error) {
            // Listeners go on at once (see exec); so does the first script.
            const opening = new HostShell(channel, {
              host,
              lost: () => this.closed,
              onClose: () => {
                release();
                if (this.#shell === opening) this.#shell = undefined;
              },
            });
            this.#shell = opening;
            opened();
            started = opening.run(script, onOutput);
          }
          callback(error, channel);
        }),
      );
    } catch (error) {
      release();
      throw error;
    } finally {
      this.#openingShell = false;
    }
    return started;
  }

  /** The connection's SFTP session (opened once; `opened` is called when this call opens it). */
  sftp(opened: () => void): Promise<SFTPWrapper> {
    // A session of a connection that died (or a session the server ended) is not reused: opening a new one
    // on a dead connection rejects with StaleConnectionError, which reconnects.
    if (this.closed) this.#sftp = undefined;
    this.#sftp ??= this.#open<SFTPWrapper>((callback) =>
      this.#client.sftp((error, sftp) => {
        if (!error) {
          opened();
          sftp.on("close", () => {
            this.#sftp = undefined;
          });
        }
        callback(error, sftp);
      }),
    );
    this.#sftp.catch(() => {
      this.#sftp = undefined;
    });
    return this.#sftp;
  }

  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.#client.forwardOut("127.0.0.1", 0, host, port, (error, channel) =>
        error ? reject(error) : resolve(channel),
      );
    });
  }

  forward(remotePort: number, local: { host: string; port: number }): Promise<void> {
    this.#forwards.set(remotePort, local);
    return new Promise((resolve, reject) => {
      this.#client.forwardIn(FORWARD_BIND_ADDRESS, remotePort, (error) => {
        if (error) {
          this.#forwards.delete(remotePort);
          reject(error);
        } else resolve();
      });
    });
  }

  unforward(remotePort: number): Promise<void> {
    this.#forwards.delete(remotePort);
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#client.unforwardIn(FORWARD_BIND_ADDRESS, remotePort, () => resolve());
    });
  }

  end(): void {
    clearTimeout(this.#idleTimer);
    if (this.closed) return;
    this.closed = true;
    this.#client.end();
    this.#dispose();
  }

  #open<T>(start: (callback: (error: Error | undefined, value: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) =>
        reject(this.closed || isStale(error) ? new StaleConnectionError(error.message) : error);
      if (this.closed) return fail(new Error("connection closed"));
      try {
        start((error, value) => (error ? fail(error) : resolve(value)));
      } catch (error) {
        fail(error as Error);
      }
    });
  }

  #scheduleIdle(): void {
    clearTimeout(this.#idleTimer);
    if (this.closed) return;
    this.#idleTimer = setTimeout(() => {
      if (this.#users === 0) this.end();
    }, this.#idleTimeoutMs);
    this.#idleTimer.unref();
  }
}

/** The pooled connection died before a channel could be opened (safe to retry: nothing ran). */
class StaleConnectionError extends Error {}

/** ssh2's messages for a connection that is gone. */
function isStale(error: Error): boolean {
  return /not connected|no response from server|connection (lost|closed)/i.test(error.message);
}

/** Collects a channel's output and exit status into a CommandResult. */
function collect(
  channel: ClientChannel,
  {
    host,
    command,
    redacted,
    started,
    options,
    lost,
  }: { host: string; command: string; redacted: string; started: number; options: RunOptions; lost: () => boolean },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exitCode: number | undefined;
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            channel.signal("KILL");
            channel.close();
          }, options.timeoutMs);
    channel.on("data", (chunk: Buffer) => {
      out.push(chunk);
      options.onOutput?.(chunk.toString("utf8"), "stdout");
    });
    channel.stderr.on("data", (chunk: Buffer) => {
      err.push(chunk);
      options.onOutput?.(chunk.toString("utf8"), "stderr");
    });
    channel.on("exit", (code: number | null, signal?: string) => {
      exitCode = code ?? 128 + signalNumber(signal);
    });
    channel.on("close", () => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString("utf8");
      let stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) {
        stderr += `${stderr && !stderr.endsWith("\n") ? "\n" : ""}timed out after ${options.timeoutMs} ms`;
        exitCode = 124;
      }
      if (exitCode === undefined) {
        if (lost()) {
          reject(new RemoteError(host, `ssh connection to ${host} was lost while running: ${redacted}`));
          return;
        }
        exitCode = 255;
      }
      resolve({ host, command, redacted, exitCode, stdout, stderr, durationMs: Date.now() - started });
    });
    channel.end(options.input ?? "");
  });
}

function signalNumber(signal: string | undefined): number {
  const numbers: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, ABRT: 6, KILL: 9, SEGV: 11, PIPE: 13, TERM: 15 };
  return numbers[(signal ?? "").replace(/^SIG/, "")] ?? 0;
}
