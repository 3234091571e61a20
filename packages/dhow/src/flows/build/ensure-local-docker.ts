/**
 * @module
 * Checks that docker is installed on this machine before building or logging in (Kamal's
 * `ensure_docker_installed`). Kamal also requires the buildx plugin; dhow reports whether it is there so
 * the build can fall back to plain `docker build` + `docker push` without it.
 */
import { ensureDockerInstalled } from "../../commands/base.js";
import { docker } from "../../commands/command.js";
import { MissingToolError } from "../../errors.js";
import type { DeployContext, FlowState } from "../runtime/context.js";
import { executeLocal } from "../runtime/execute-local.js";

/** What the local docker can do. */
export interface LocalDocker {
  /** The buildx plugin is installed. */
  readonly buildx: boolean;
}

/** Runs `docker --version && docker buildx version` locally (once per command); fails when docker is missing. */
export async function ensureLocalDocker(ctx: DeployContext): Promise<LocalDocker> {
  const known = CHECKED.get(ctx.state);
  if (known) return known;
  let found: LocalDocker;
  if ((await executeLocal(ctx, ensureDockerInstalled(), { allowFailure: true, readOnly: true })).exitCode === 0) {
    found = { buildx: true };
  } else {
    const plain = await executeLocal(ctx, docker("--version"), { allowFailure: true, readOnly: true });
    if (plain.exitCode !== 0) throw new MissingToolError("Docker is not installed locally");
    found = { buildx: false };
  }
  CHECKED.set(ctx.state, found);
  return found;
}

const CHECKED = new WeakMap<FlowState, LocalDocker>();
