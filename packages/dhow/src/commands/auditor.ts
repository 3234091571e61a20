/**
 * @module
 * The audit log every host keeps (`.kamal/<svc[-dest]>-audit.log`). Kamal's `Commands::Auditor`.
 */
import type { Config } from "../config/config.js";
import { append, combine, type Command, escapeShellValue } from "./command.js";
import type { Facts } from "./facts.js";
import { exceptTags, tagsFromConfig, tagsToString } from "./tags.js";

export interface RecordOptions {
  /** Details given when the auditor was made (Kamal's constructor details), e.g. `{ role: "web" }`. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Details for this line only, after the constructor's. */
  readonly lineDetails?: Readonly<Record<string, unknown>>;
  readonly facts: Pick<Facts, "now" | "performer">;
}

/** `mkdir -p .kamal && echo "[time] [performer] [dest] [details…] <line>" >> .kamal/<svc[-dest]>-audit.log` */
export function record(config: Config, line: string, options: RecordOptions): Command {
  const tags = exceptTags(
    tagsFromConfig(config, options.facts, { ...(options.details ?? {}), ...(options.lineDetails ?? {}) }),
    "version",
    "service_version",
    "service",
  );
  return combine([
    ["mkdir", "-p", config.runDirectory],
    append(["echo", escapeShellValue(`${tagsToString(tags)} ${line}`)], auditLogFile(config)),
  ]);
}

/** `tail -n 50 .kamal/<svc[-dest]>-audit.log` */
export function reveal(config: Config): Command {
  return ["tail", "-n", "50", auditLogFile(config)];
}

function auditLogFile(config: Config): string {
  return `${config.runDirectory}/${[config.service, config.destination, "audit.log"].filter((part) => part !== undefined).join("-")}`;
}
