/**
 * @module
 * Running commands in app containers: `docker exec` in the running one, or `docker run` in a new one,
 * optionally over `ssh -t`. Kamal's `Commands::App::Execution`.
 */
import { KAMAL_NETWORK } from "../../constants.js";
import { argumentize, cmd, type Command, docker } from "../command.js";
import { dockerInteractiveArgs, runOverSsh } from "../base.js";
import { addHostArgs, type ExtraHost } from "../cross-host.js";
import type { Facts } from "../facts.js";
import { type AppTarget, containerName } from "./target.js";

/** Options shared by the exec builders. */
export interface ExecOptions {
  /** Extra `--env K="v"` for this command. */
  readonly env?: Readonly<Record<string, unknown>>;
  readonly interactive?: boolean;
  readonly facts: Pick<Facts, "stdinIsTty" | "randomHex">;
  /** New containers: `--add-host <name>:<address>` for accessories on other hosts (dhow's cross-host names). */
  readonly extraHosts?: readonly ExtraHost[] | undefined;
}

/** `docker exec [-it|-i] [--env …] <container> <command>` */
export function executeInExistingContainer(
  target: AppTarget,
  command: readonly string[],
  options: ExecOptions,
): Command {
  return docker(
    "exec",
    options.interactive ? dockerInteractiveArgs(options.facts) : undefined,
    argumentize("--env", options.env ?? {}),
    containerName(target),
    ...command,
  );
}

/** `docker run [-it|-i] --rm|--detach --name <prefix>-exec-<version>-<hex> … <image> <command>` (no role cmd, labels or asset volumes). */
export function executeInNewContainer(
  target: AppTarget,
  command: readonly string[],
  options: ExecOptions & { readonly detach?: boolean },
): Command {
  const { config, role, host } = target;
  return docker(
    "run",
    options.interactive ? dockerInteractiveArgs(options.facts) : undefined,
    options.detach ? "--detach" : undefined,
    options.detach ? undefined : "--rm",
    "--name",
    [role.containerPrefix, "exec", config.version, options.facts.randomHex(3)].join("-"),
    "--network",
    KAMAL_NETWORK,
    addHostArgs(options.extraHosts),
    cmd(...role.envArgs(host ?? "")),
    argumentize("--env", options.env ?? {}),
    role.loggingArgs(),
    config.volumeArgs(),
    role.optionArgs(),
    config.absoluteImage,
    ...command,
  );
}

/** `ssh -t … 'docker exec -it …'` on the target host. */
export function executeInExistingContainerOverSsh(
  target: AppTarget,
  command: readonly string[],
  options: ExecOptions,
): string {
  return runOverSsh(target.config, executeInExistingContainer(target, command, { ...options, interactive: true }), {
    host: target.host ?? "",
  });
}

/** `ssh -t … 'docker run -it --rm …'` on the target host. */
export function executeInNewContainerOverSsh(
  target: AppTarget,
  command: readonly string[],
  options: ExecOptions,
): string {
  return runOverSsh(target.config, executeInNewContainer(target, command, { ...options, interactive: true }), {
    host: target.host ?? "",
  });
}
