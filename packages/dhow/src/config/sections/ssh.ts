/**
 * @module
 * `ssh:` connection settings (user, port, jump host or proxy command, keys, ssh config files, log level).
 * Kamal's `Configuration::Ssh`.
 */
import type { Secrets } from "../../secrets/secrets.js";
import type { RawSsh } from "../raw-config.js";
import { isHash } from "../../ruby.js";
import { type Scope, validateSection } from "../validator.js";

export const DEFAULT_SSH_USER = "root";
export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_SSH_LOG_LEVEL = "fatal";
/** Kamal always keeps connections alive, probing every 30 s. */
export const SSH_KEEPALIVE_INTERVAL = 30;

/** How to reach hosts through another machine. */
export type SshProxy = SshJumpProxy | SshProxyCommand;

/** `ssh -J user@host` */
export interface SshJumpProxy {
  readonly kind: "jump";
  /** `user@host` (user defaults to root). */
  readonly jumpProxies: string;
}

/** `ssh -o ProxyCommand='…'` */
export interface SshProxyCommand {
  readonly kind: "command";
  /** The ProxyCommand template (`ssh -W %h:%p user@proxy`). */
  readonly commandLineTemplate: string;
}

/** A resolved ssh section. */
export interface SshConfig {
  readonly raw: RawSsh;
  readonly user: string;
  readonly port: number | string;
  readonly proxy: SshProxy | undefined;
  readonly keysOnly: boolean | undefined;
  readonly keys: readonly string[] | undefined;
  /** `config`: true (read ~/.ssh/config), false (ignore it), or config file path(s); undefined when unset. */
  readonly config: boolean | string | readonly string[] | undefined;
  readonly forwardAgent: boolean | undefined;
  readonly logLevel: string;
  /** Private keys: inline PEMs as written, secret names looked up (throws for a missing secret). */
  keyData(): readonly string[] | undefined;
}

/** Resolves the ssh section. */
export function createSsh(raw: RawSsh | undefined, secrets: Pick<Secrets, "get">): SshConfig {
  const section: RawSsh = isHash(raw) ? raw : {};
  let proxy: SshProxy | undefined;
  if (section.proxy) {
    proxy = { kind: "jump", jumpProxies: section.proxy.includes("@") ? section.proxy : `root@${section.proxy}` };
  } else if (section.proxy_command) {
    proxy = { kind: "command", commandLineTemplate: section.proxy_command };
  }
  return {
    raw: section,
    user: section.user ?? DEFAULT_SSH_USER,
    port: section.port ?? DEFAULT_SSH_PORT,
    proxy,
    keysOnly: section.keys_only ?? undefined,
    keys: section.keys ?? undefined,
    config: section.config ?? undefined,
    forwardAgent: section.forward_agent ?? undefined,
    logLevel: section.log_level ?? DEFAULT_SSH_LOG_LEVEL,
    keyData: () => section.key_data?.map((key) => (key.includes("-----BEGIN") ? key : secrets.get(key))),
  };
}

/** Kamal's ssh validation: against the example of docs/ssh.yml. */
export function validateSsh(scope: Scope, config: unknown): void {
  validateSection(scope, config ?? {}, "ssh");
}
