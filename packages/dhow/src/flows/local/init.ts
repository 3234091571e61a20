/**
 * @module
 * `dhow init`: writes the starter files that do not exist yet and says what it did.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DEPLOY_YML_TEMPLATE, HOOK_NAMES, hookSample, SECRETS_TEMPLATE } from "./init-templates.js";

/** Creates config/deploy.yml, .kamal/secrets and .kamal/hooks/*.sample under `cwd`; returns one line per action. */
export function initProject({ cwd }: { cwd: string }): string[] {
  const lines: string[] = [];
  const deployFile = join(cwd, "config/deploy.yml");
  if (existsSync(deployFile)) {
    lines.push("Config file already exists in config/deploy.yml (remove first to create a new one)");
  } else {
    writeNew(deployFile, DEPLOY_YML_TEMPLATE);
    lines.push("Created configuration file in config/deploy.yml");
  }

  const secretsFile = join(cwd, ".kamal/secrets");
  if (!existsSync(secretsFile)) {
    writeNew(secretsFile, SECRETS_TEMPLATE);
    lines.push("Created .kamal/secrets file");
  }

  const hooksDir = join(cwd, ".kamal/hooks");
  if (!existsSync(hooksDir)) {
    mkdirSync(hooksDir, { recursive: true });
    for (const name of HOOK_NAMES) {
      const file = join(hooksDir, `${name}.sample`);
      writeFileSync(file, hookSample(name));
      chmodSync(file, 0o755);
    }
    lines.push("Created sample hooks in .kamal/hooks");
  }
  return lines;
}

function writeNew(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { flag: "wx" });
}
