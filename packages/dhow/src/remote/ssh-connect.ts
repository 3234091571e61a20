/**
 * @module
 * Opens one authenticated ssh2 connection: resolves the host through ~/.ssh/config, builds the key list
 * (key files, key data, the agent, default identities), checks the host key against known_hosts, and goes
 * through a jump host (`forwardOut`) or a ProxyCommand (a spawned process whose stdio is the socket).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import ssh2, {
  type AnyAuthMethod,
  type Client as SshClient,
  type ClientChannel,
  type ConnectConfig,
  type ParsedKey,
} from "ssh2";

// ssh2 is CommonJS: Node's ESM loader exposes `Client` by name but not `utils`, so take both from the default export.
const { Client, utils } = ssh2;
import { reveal, type Sensitive } from "../sensitive.js";
import { RemoteError } from "./executor.js";
import { checkHostKey, hostKeyAlgorithms, type KnownHostEntry } from "./known-hosts.js";
import { expandTokens, type SshHostConfig } from "./ssh-config.js";
import { signPublicKeyRequestsFirst } from "./ssh-sign-first.js";

/** Where one connection goes, after ~/.ssh/config and the options are applied. */
export interface SshTarget {
  /** The host as the caller named it (used in messages). */
  readonly label: string;
  readonly hostName: string;
  readonly user: string;
  readonly port: number;
  /** Pool key: `user@hostName:port` (plus the route, when going through a proxy). */
  readonly key: string;
  readonly config: SshHostConfig;
}

/** Authentication and host-key settings shared by every connection of an executor. */
export interface SshAuthSettings {
  readonly keys: readonly string[];
  readonly keyData: readonly (string | Sensitive)[];
  readonly keysOnly: boolean;
  readonly agent: string | undefined;
  readonly knownHosts: readonly KnownHostEntry[];
  readonly strictHostKeys: boolean;
  readonly keepaliveIntervalMs: number;
  readonly readyTimeoutMs: number;
}

/** An open connection and what must be cleaned up with it. */
export interface OpenedConnection {
  readonly client: SshClient;
  /** Kills a ProxyCommand process, if any. */
  readonly dispose: () => void;
}

/** DEFAULT identity files tried when no key is configured (OpenSSH's order, minus DSA). */
export const DEFAULT_IDENTITY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** Parses `[user@]host[:port]` (and `[v6addr]:port`). */
export function parseHostSpec(spec: string): { user?: string; host: string; port?: number } {
  const at = spec.lastIndexOf("@");
  const user = at > 0 ? spec.slice(0, at) : undefined;
  const rest = at >= 0 ? spec.slice(at + 1) : spec;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(rest);
  const match = bracketed ?? plain;
  const host = match?.[1] ?? rest;
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  return { ...(user === undefined ? {} : { user }), host, ...(port === undefined ? {} : { port }) };
}

/**
 * Connects and authenticates. `sock` is the stream to talk over (a jump host's forwardOut channel); without
 * it, a ProxyCommand from the options or the config is spawned, or a TCP connection is made.
 */
export async function openConnection({
  target,
  auth,
  proxyCommand,
  sock,
}: {
  target: SshTarget;
  auth: SshAuthSettings;
  proxyCommand?: string | undefined;
  sock?: Duplex | ClientChannel | undefined;
}): Promise<OpenedConnection> {
  const methods = authMethods(target, auth);
  let hostKeyProblem: string | undefined;
  let dispose = () => {};
  let stream = sock;
  let proxyStderr = "";
  if (!stream && proxyCommand) {
    const command = expandTokens(proxyCommand, {
      host: target.label,
      hostName: target.hostName,
      user: target.user,
      port: target.port,
    });
    const child = spawn("/bin/sh", ["-c", command], { stdio: ["pipe", "pipe", "pipe"] });
    child.stderr.on("data", (chunk: Buffer) => {
      proxyStderr = (proxyStderr + chunk.toString("utf8")).slice(-2000);
    });
    child.on("error", (error) => {
      proxyStderr += error.message;
    });
    stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
    dispose = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    };
  } else if (!stream) {
    // dhow opens the TCP connection itself (ssh2 would make the same one) so that, once the connection is ended,
    // nothing waits for the server: ssh2's `end()` sends the disconnect and half-closes, and the socket (and ssh2's
    // keepalive timer, cleared only when the socket closes) then held the process until the server's FIN came
    // back, one round trip before every command could exit (0.1 s at 100 ms). Once the disconnect and our FIN
    // are out, the socket is closed here; the server has nothing more to say.
    const socket = netConnect({ host: target.hostName, port: target.port });
    // From the first packet: the handshake's small messages must not wait for ACKs (Nagle + delayed ACK), which
    // cost ≈ 0.2 s per connection at 100 ms RTT when set only after it (measured against the sandbox's sshd).
    socket.setNoDelay(true);
    socket.setMaxListeners(0); // as ssh2 does with the socket it makes (its channels listen on it too)
    stream = socket;
    dispose = () => {
      socket.unref();
      if (socket.destroyed) return;
      if (socket.writableFinished) socket.destroy();
      else socket.once("finish", () => socket.destroy());
    };
  }
  const algorithms = hostKeyAlgorithms(auth.knownHosts, target.hostName, target.port);
  const config: ConnectConfig = {
    host: target.hostName,
    port: target.port,
    username: target.user,
    authHandler: methods,
    keepaliveInterval: auth.keepaliveIntervalMs,
    keepaliveCountMax: 3,
    readyTimeout: auth.readyTimeoutMs,
    hostVerifier: (key: Buffer) => {
      const verdict = checkHostKey(auth.knownHosts, target.hostName, target.port, key);
      if (verdict === "match" || (verdict === "unknown" && !auth.strictHostKeys)) return true;
      hostKeyProblem =
        verdict === "unknown"
          ? `the host key of ${target.hostName} is not in known_hosts (strict host key checking is on)`
          : verdict === "revoked"
            ? `the host key of ${target.hostName} is marked @revoked in known_hosts`
            : `the host key of ${target.hostName} does not match known_hosts; if the server was rebuilt, ` +
              `remove the old entry with: ssh-keygen -R ${target.port === 22 ? target.hostName : `"[${target.hostName}]:${target.port}"`}`;
      return false;
    },
    ...(algorithms ? { algorithms: { serverHostKey: algorithms as never } } : {}),
    ...(stream ? { sock: stream as never } : {}),
  };
  const client = new Client();
  try {
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => resolve());
      client.once("error", (error: Error & { level?: string }) => reject(error));
      client.once("close", () => reject(new Error("connection closed during the handshake")));
      client.connect(config);
      signPublicKeyRequestsFirst(client);
      // Nagle off from the first packet also through a ProxyCommand or a jump host, where the stream allows it.
      client.setNoDelay(true);
    });
  } catch (error) {
    dispose();
    client.end();
    const reason = hostKeyProblem ?? describeConnectError(error, methods.length) + proxySuffix(proxyStderr);
    throw new RemoteError(target.label, `ssh ${target.user}@${target.hostName}:${target.port}: ${reason}`, {
      cause: error,
    });
  }
  return { client, dispose };
}

/** Keys and agent in the order they are tried: key files, key data, config IdentityFiles, agent, defaults. */
export function authMethods(target: SshTarget, auth: SshAuthSettings): AnyAuthMethod[] {
  const username = target.user;
  const methods: AnyAuthMethod[] = [];
  const seen = new Set<string>();
  const add = (key: ParsedKey | undefined) => {
    if (!key) return;
    const id = key.getPublicSSH().toString("base64");
    if (seen.has(id)) return;
    seen.add(id);
    methods.push({ type: "publickey", username, key });
  };
  for (const file of auth.keys) {
    if (!existsSync(file)) throw new RemoteError(target.label, `ssh key file not found: ${file}`);
    add(parseKeyOrThrow(target.label, readFileSync(file), file));
  }
  for (const [i, data] of auth.keyData.entries()) {
    add(parseKeyOrThrow(target.label, Buffer.from(reveal(data)), `key_data[${i}]`));
  }
  for (const file of target.config.identityFiles) add(tryParseKeyFile(file));
  const keysOnly = auth.keysOnly || target.config.identitiesOnly === true;
  if (!keysOnly && auth.agent) methods.push({ type: "agent", username, agent: auth.agent });
  if (!keysOnly && auth.keys.length === 0 && auth.keyData.length === 0 && target.config.identityFiles.length === 0) {
    for (const name of DEFAULT_IDENTITY_FILES) add(tryParseKeyFile(join(homedir(), ".ssh", name)));
  }
  return methods;
}

/** Parses a private key; throws a clear RemoteError for encrypted, public-only or unreadable keys. */
function parseKeyOrThrow(host: string, data: Buffer, source: string): ParsedKey {
  const key = firstKey(utils.parseKey(data));
  if (key instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(key.message);
    throw new RemoteError(
      host,
      encrypted
        ? `ssh key ${source} is encrypted: load it into ssh-agent instead (dhow does not ask for passphrases)`
        : `ssh key ${source} cannot be read: ${key.message}`,
    );
  }
  if (!key.isPrivateKey()) throw new RemoteError(host, `ssh key ${source} is a public key; give the private key`);
  return key;
}

/** A key from a file that may be missing or encrypted (then skipped, as OpenSSH does for config identities). */
function tryParseKeyFile(file: string): ParsedKey | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const key = firstKey(utils.parseKey(readFileSync(file)));
    return key instanceof Error || !key.isPrivateKey() ? undefined : key;
  } catch {
    return undefined;
  }
}

/** ssh2 returns an array for OpenSSH files holding several keys. */
function firstKey(key: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  if (Array.isArray(key)) return key[0] ?? new Error("no key in the file");
  return key;
}

function describeConnectError(error: unknown, methodCount: number): string {
  const err = error as Error & { level?: string; code?: string };
  if (err.level === "client-authentication") {
    return methodCount === 0
      ? "no ssh key to try (set ssh/keys or ssh/key_data, or run an ssh-agent)"
      : `authentication failed (tried ${methodCount} key${methodCount === 1 ? "" : "s"}/agent)`;
  }
  if (err.level === "client-timeout") return "timed out during the SSH handshake";
  if (err.code === "ECONNREFUSED") return "connection refused (is sshd running?)";
  if (err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") return `cannot resolve the host name (${err.code})`;
  if (err.code === "EHOSTUNREACH" || err.code === "ENETUNREACH") return `host unreachable (${err.code})`;
  if (err.code === "ETIMEDOUT") return "connection timed out";
  return err.message;
}

function proxySuffix(stderr: string): string {
  const text = stderr.trim();
  return text ? ` (proxy command: ${text.split("\n").slice(-2).join(" ")})` : "";
}
