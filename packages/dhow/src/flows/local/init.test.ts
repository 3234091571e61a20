import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { initProject } from "./init.js";
import { HOOK_NAMES } from "./init-templates.js";

const fresh = () => mkdtempSync(join(tmpdir(), "dhow-init-"));

describe("initProject", () => {
  it("writes the config template, the secrets file and all 9 executable sample hooks", () => {
    const cwd = fresh();
    expect(initProject({ cwd })).toEqual([
      "Created configuration file in config/deploy.yml",
      "Created .kamal/secrets file",
      "Created sample hooks in .kamal/hooks",
    ]);
    const config = parse(readFileSync(join(cwd, "config/deploy.yml"), "utf8"));
    expect(config).toMatchObject({ service: "my-app", image: "my-user/my-app", builder: { arch: "amd64" } });
    expect(readFileSync(join(cwd, ".kamal/secrets"), "utf8")).toContain("KAMAL_REGISTRY_PASSWORD=");
    expect(HOOK_NAMES).toHaveLength(9);
    for (const name of HOOK_NAMES) {
      const file = join(cwd, ".kamal/hooks", `${name}.sample`);
      expect(statSync(file).mode & 0o111).not.toBe(0);
      expect(readFileSync(file, "utf8")).toMatch(/^#!\/bin\/sh/);
    }
  });

  it("never overwrites existing files", () => {
    const cwd = fresh();
    mkdirSync(join(cwd, "config"));
    writeFileSync(join(cwd, "config/deploy.yml"), "service: mine\n");
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    expect(initProject({ cwd })).toEqual([
      "Config file already exists in config/deploy.yml (remove first to create a new one)",
      "Created .kamal/secrets file",
    ]);
    expect(readFileSync(join(cwd, "config/deploy.yml"), "utf8")).toBe("service: mine\n");
    expect(existsSync(join(cwd, ".kamal/hooks/pre-deploy.sample"))).toBe(false);
  });

  it("--dry-run writes nothing and says what it would create", () => {
    const cwd = fresh();
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    expect(initProject({ cwd, dryRun: true })).toEqual([
      "Would create configuration file in config/deploy.yml",
      "Would create .kamal/secrets file",
      "Dry run of `dhow init`: nothing was changed.",
    ]);
    expect(existsSync(join(cwd, "config"))).toBe(false);
    expect(existsSync(join(cwd, ".kamal/secrets"))).toBe(false);
  });
});
