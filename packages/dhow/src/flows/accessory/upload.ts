/**
 * @module
 * `dhow accessory upload NAME` (hidden; part of boot): copies the accessory's `files:` to its hosts, under
 * `~/<service_name><remote>`. `*.erb` files are rendered here first, with the accessory's clear env in ENV
 * (Kamal's `with_clear_env_loaded`); the others are uploaded as they are. Mode defaults to 755.
 */
import { existsSync, readFileSync } from "node:fs";
import { makeDirectoryFor } from "../../commands/base.js";
import type { AccessoryPath } from "../../config/config.js";
import { renderTemplate } from "../../config/erb/render.js";
import { ConfigError } from "../../errors.js";
import { rubyRenderer } from "../../remote/ruby-erb.js";
import type { UploadSource } from "../../remote/executor.js";
import { rubyToS } from "../../ruby.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { selectAccessory } from "./lookup.js";
import { withLock } from "../runtime/with-lock.js";

/** Uploads (rendering templates) the accessory's files to all of its hosts (with the lock). */
export async function uploadAccessoryFiles(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    const { accessory, hosts } = selectAccessory(ctx, name);
    const clearEnv = Object.fromEntries(
      Object.entries(accessory.env.clear).map(([key, value]) => [key, rubyToS(value)]),
    );
    const sources = accessory.files.map((file) => ({ file, source: uploadSource(ctx, name, file, clearEnv) }));
    await on(ctx, hosts, async (host) => {
      for (const { file, source } of sources) {
        await execute(ctx, host, makeDirectoryFor(file.hostPath));
        await ctx.executor.upload(host, source, file.hostPath);
        if (file.mode !== undefined) await execute(ctx, host, ["chmod", file.mode, file.hostPath]);
        if (file.owner !== undefined) await execute(ctx, host, ["chown", file.owner, file.hostPath]);
      }
    });
  });
}

/** What to upload for one file: the rendered template, or the local file itself. */
function uploadSource(
  ctx: DeployContext,
  name: string,
  file: AccessoryPath,
  clearEnv: Readonly<Record<string, string>>,
): UploadSource {
  if (!existsSync(file.local)) {
    throw new ConfigError(`Missing file: ${file.local}`, { keyPath: `accessories/${name}/files` });
  }
  if (!file.template) return { path: file.local };
  const rendered = renderTemplate({
    template: readFileSync(file.local, "utf8"),
    file: file.local,
    absoluteFile: file.local,
    env: { ...ctx.env, ...clearEnv },
    cwd: ctx.cwd,
    ruby: rubyRenderer,
  });
  return { content: rendered.text };
}
