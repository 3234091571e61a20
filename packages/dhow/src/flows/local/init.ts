/**
 * @module
 * `dhow init`: writes the starter files that do not exist yet and says what it did.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DEPLOY_YML_TEMPLATE, HOOK_NAMES, hookSample, SECRETS_TEMPLATE } from "./init-templates.js";

/**
 * Creates config/deploy.yml, .kamal/secrets and .kamal/hooks/*.sample under `cwd`; returns one line per action.
 * With `dryRun` it writes nothing and says what it would create.
 */
export function initProject({ cwd, dryRun = false }: { cwd: string; dryRun?: boolean }): string[] {
  const lines: string[] = [];
  const done = (created: string) => lines.push(dryRun ? `Would create ${created}` : `Created ${created}`);
  const deployFile = join(cwd, "config/deploy.yml");
  if (existsSync(deployFile)) {
    lines.push("Config file already exists in config/deploy.yml (remove first to create a new one)");
  } else {
    if (!dryRun) writeNew(deployFile, DEPLOY_YML_TEMPLATE);
    done("configuration file in config/deploy.yml");
  }

  const secretsFile = join(cwd, ".kamal/secrets");
  if (!existsSync(secretsFile)) {
    if (!dryRun) writeNew(secretsFile, SECRETS_TEMPLATE);
    done(".kamal/secrets file");
  }

  const hooksDir = join(cwd, ".kamal/hooks");
  if (!existsSync(hooksDir)) {
    if (!dryRun) writeHookSamples(hooksDir);
    done("sample hooks in .kamal/hooks");
  }
  if (dryRun) lines.push("Dry run of `dhow init`: nothing was changed.");
  return lines;
}

function writeHookSamples(hooksDir: string): void {
  mkdirSync(hooksDir, { recursive: true });
  for (const name of HOOK_NAMES) {
    const file = join(hooksDir, `${name}.sample`);
    writeFileSync(file, hookSample(name));
    chmodSync(file, 0o755);
  }
}

function writeNew(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { flag: "wx" });
}
