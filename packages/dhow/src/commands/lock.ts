/**
 * @module
 * The deploy lock: a directory on the primary host holding base64-encoded details of who holds it.
 * Kamal's `Commands::Lock`.
 */
import type { Config } from "../config/config.js";
import { combine, type Command, pipe, write } from "./command.js";
import { type Facts, iso8601 } from "./facts.js";

/** `mkdir .kamal/lock-<svc[-dest]> && echo "<base64 details>" > .kamal/lock-<svc[-dest]>/details` */
export function acquire(
  config: Config,
  message: string,
  version: string,
  facts: Pick<Facts, "now" | "gitUserName">,
): Command {
  return combine([["mkdir", lockDir(config)], writeLockDetails(config, message, version, facts)]);
}

/** `rm .kamal/lock-<…>/details && rm -r .kamal/lock-<…>` */
export function release(config: Config): Command {
  return combine([
    ["rm", lockDetailsFile(config)],
    ["rm", "-r", lockDir(config)],
  ]);
}

/** `stat .kamal/lock-<…> > /dev/null && cat .kamal/lock-<…>/details | base64 -d` */
export function status(config: Config): Command {
  return combine([
    write(["stat", lockDir(config)], "/dev/null"),
    pipe(["cat", lockDetailsFile(config)], ["base64", "-d"]),
  ]);
}

/** The lock details text (before base64): holder, time, version and message. */
export function lockDetails(message: string, version: string, facts: Pick<Facts, "now" | "gitUserName">): string {
  return `Locked by: ${facts.gitUserName() ?? "Unknown"} at ${iso8601(facts.now())}\nVersion: ${version}\nMessage: ${message}`;
}

/** Ruby's `Base64.encode64`: RFC 2045 base64 with a newline after every 60 characters and at the end. */
export function encode64(text: string): string {
  const encoded = Buffer.from(text, "utf8").toString("base64");
  const lines = encoded.match(/.{1,60}/g) ?? [];
  return lines.map((line) => `${line}\n`).join("");
}

function writeLockDetails(
  config: Config,
  message: string,
  version: string,
  facts: Pick<Facts, "now" | "gitUserName">,
): Command {
  return write(["echo", `"${encode64(lockDetails(message, version, facts))}"`], lockDetailsFile(config));
}

function lockDir(config: Config): string {
  return `${config.runDirectory}/lock-${config.serviceAndDestination}`;
}

function lockDetailsFile(config: Config): string {
  return `${lockDir(config)}/details`;
}
