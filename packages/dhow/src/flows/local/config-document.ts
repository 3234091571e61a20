/**
 * @module
 * Kamal's `Configuration#to_h` as Ruby values, so `dhow config` can print it with Psych's YAML rules:
 * a Hash with Symbol keys in Kamal's order (roles, hosts, primary_host, version, repository,
 * absolute_image, service_with_version, volume_args, ssh_options, sshkit, builder, accessories, logging),
 * nil entries left out (`.compact`); `ssh_options` holds net-ssh's options with Symbol keys, its proxy as
 * the `Net::SSH::Proxy::Jump`/`Command` object Kamal builds and `log_level` (default the Symbol `:fatal`);
 * sshkit, builder and accessories are the sections as written, with their String keys.
 *
 * Where dhow differs on purpose: ssh `key_data` prints as `[REDACTED]` (Kamal prints the private keys).
 * What the loaded config cannot tell apart: a Symbol written in deploy.yml (`:debug`) prints as a String,
 * a Float with no fraction (`2.0`) as an Integer, and non-String Hash keys (`1:`) as Strings.
 */
import type { Config } from "../../config/config.js";
import { resolvePlainScalar } from "../../config/load/psych-scalar.js";
import {
  type PsychDumpOptions,
  RubyObject,
  type RubyKey,
  RubySymbol,
  type RubyValue,
} from "../../output/psych-yaml.js";
import { isHash } from "../../ruby.js";
import { REDACTED } from "../../sensitive.js";

/** The keys of Kamal's `Configuration#to_h`, in its order. */
export const KAMAL_CONFIG_KEYS = [
  "roles",
  "hosts",
  "primary_host",
  "version",
  "repository",
  "absolute_image",
  "service_with_version",
  "volume_args",
  "ssh_options",
  "sshkit",
  "builder",
  "accessories",
  "logging",
] as const;

/** How `dhow config` reads a scalar back, to quote it as Psych does: the config loader's Psych rules. */
export const PSYCH_DUMP_OPTIONS: PsychDumpOptions = { tokenize: resolvePlainScalar };

/** A Hash with Symbol keys (Ruby's `{ roles: …, hosts: … }`), nil values dropped as `Hash#compact` does. */
function symbolHash(entries: readonly (readonly [string, RubyValue | undefined])[]): Map<RubyKey, RubyValue> {
  const hash = new Map<RubyKey, RubyValue>();
  for (const [key, value] of entries) if (value !== undefined && value !== null) hash.set(new RubySymbol(key), value);
  return hash;
}

/** `config.to_h`, the Hash `kamal config` prints. */
export function kamalConfigHash(config: Config): Map<RubyKey, RubyValue> {
  const accessories = config.raw.accessories;
  return symbolHash([
    ["roles", [...config.roleNames]],
    ["hosts", [...config.allHosts]],
    ["primary_host", config.primaryHost],
    ["version", config.version],
    ["repository", config.repository],
    ["absolute_image", config.absoluteImage],
    ["service_with_version", config.serviceWithVersion],
    ["volume_args", config.volumeArgs()],
    ["ssh_options", sshOptions(config)],
    ["sshkit", loaded(config.sshkit.raw)],
    ["builder", loaded(config.builder.raw)],
    ["accessories", accessories === undefined ? undefined : loaded(accessories)],
    ["logging", config.loggingArgs()],
  ]);
}

/** Kamal's `Ssh#to_h`: net-ssh's options (compacted, without the logger) merged with `log_level`. */
function sshOptions(config: Config): Map<RubyKey, RubyValue> {
  const ssh = config.ssh;
  const raw = ssh.raw as Readonly<Record<string, unknown>>;
  const fetch = (key: string, fallback: RubyValue): RubyValue =>
    Object.hasOwn(raw, key) ? loaded(raw[key]) : fallback;
  const proxy =
    ssh.proxy === undefined
      ? undefined
      : ssh.proxy.kind === "jump"
        ? new RubyObject("Net::SSH::Proxy::Jump", [["jump_proxies", ssh.proxy.jumpProxies]])
        : new RubyObject("Net::SSH::Proxy::Command", [
            ["command_line_template", ssh.proxy.commandLineTemplate],
            ["command_line", null],
            ["timeout", 60],
          ]);
  const options = symbolHash([
    ["user", fetch("user", "root")],
    ["port", fetch("port", 22)],
    ["proxy", proxy],
    ["keepalive", true],
    ["keepalive_interval", 30],
    ["keys_only", loaded(raw.keys_only)],
    ["keys", loaded(raw.keys)],
    ["key_data", Array.isArray(raw.key_data) ? raw.key_data.map(() => REDACTED) : undefined],
    ["config", loaded(raw.config)],
    ["forward_agent", loaded(raw.forward_agent)],
  ]);
  options.set(new RubySymbol("log_level"), fetch("log_level", new RubySymbol("fatal")));
  return options;
}

/** A value of the loaded config as the Ruby value Psych would dump (the loader's types map one to one). */
function loaded(value: unknown): RubyValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(loaded);
  if (value instanceof Date) return value;
  if (isHash(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, loaded(item)]));
  if (
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    typeof value === "bigint"
  ) {
    return value;
  }
  return String(value);
}
