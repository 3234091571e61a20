/**
 * @module
 * `dhow accessory upload NAME` (hidden; part of boot): copies the accessory's `files:` to its hosts, under
 * `~/<service_name><remote>`. `*.erb` files are rendered here first, with the accessory's clear env in ENV
 * (Kamal's `with_clear_env_loaded`); the others are written as they are. Mode defaults to 755.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "../../commands/write-file.js";
import type { AccessoryPath } from "../../config/config.js";
import { renderTemplate } from "../../config/erb/render.js";
import { ConfigError } from "../../errors.js";
import { rubyRenderer } from "../../remote/ruby-erb.js";
import { rubyToS } from "../../ruby.js";
import type { DeployContext } from "../runtime/context.js";
import { executeScript, type FlowStep, on } from "../runtime/execute.js";
import { selectAccessory } from "./lookup.js";
import { withLock } from "../runtime/with-lock.js";

/**
 * Writes (rendering templates) the accessory's files on all of its hosts (with the lock): one script per host,
 * each file written by a command of it (commands/write-file.ts), not an SFTP session per file.
 */
export async function uploadAccessoryFiles(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    const { hosts } = selectAccessory(ctx, name);
    const steps = fileSteps(ctx, name);
    await on(ctx, hosts, (host) => executeScript(ctx, host, steps));
  });
}

/** For each of the accessory's files: the file written (its directory made first), `chmod`/`chown` when given. */
export function fileSteps(ctx: DeployContext, name: string): FlowStep[] {
  const { accessory } = selectAccessory(ctx, name);
  const clearEnv = Object.fromEntries(Object.entries(accessory.env.clear).map(([key, value]) => [key, rubyToS(value)]));
  return accessory.files.flatMap((file) => [
    { command: writeFile(file.hostPath, fileContent(ctx, name, file, clearEnv)) },
    ...(file.mode === undefined ? [] : [{ command: ["chmod", file.mode, file.hostPath] }]),
    ...(file.owner === undefined ? [] : [{ command: ["chown", file.owner, file.hostPath] }]),
  ]);
}

/** What to write for one file: the rendered template, or the local file's bytes. */
function fileContent(
  ctx: DeployContext,
  name: string,
  file: AccessoryPath,
  clearEnv: Readonly<Record<string, string>>,
): string | Buffer {
  if (!existsSync(file.local)) {
    throw new ConfigError(`Missing file: ${file.local}`, { keyPath: `accessories/${name}/files` });
  }
  if (!file.template) return readFileSync(file.local);
  const rendered = renderTemplate({
    template: readFileSync(file.local, "utf8"),
    file: file.local,
    absoluteFile: file.local,
    env: { ...ctx.env, ...clearEnv },
    cwd: ctx.cwd,
    ruby: rubyRenderer,
  });
  return rendered.text;
}
