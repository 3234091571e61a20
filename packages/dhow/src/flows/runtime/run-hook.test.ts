import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HookError } from "../../errors.js";
import { localRunner } from "../../remote/local.js";
import { runHook } from "./run-hook.js";
import { testContext } from "../../testing/test-context.js";

const raw = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  builder: { arch: "amd64" },
  servers: ["1.1.1.1", "1.1.1.2"],
  env: { secret: ["DB_PASSWORD"] },
};

function projectWithHook(name: string, body: string): string {
  const cwd = mkdtempSync(join(tmpdir(), "dhow-hook-"));
  mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
  writeFileSync(join(cwd, ".kamal/hooks", name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(cwd, ".kamal/hooks", name), 0o755);
  return cwd;
}

describe("runHook", () => {
  it("runs the hook with the KAMAL_* environment (and secrets for pre-deploy)", async () => {
    const cwd = projectWithHook("pre-deploy", 'env | grep -E "^(KAMAL_|DB_PASSWORD)" | sort > "$PWD/env.out"');
    const ctx = testContext({
      raw,
      cwd,
      local: localRunner,
      secrets: { DB_PASSWORD: "s3cret" },
      env: { PATH: process.env["PATH"] },
    });
    await runHook(ctx, "pre-deploy");
    const env = readFileSync(join(cwd, "env.out"), "utf8");
    expect(env).toContain("KAMAL_RECORDED_AT=2025-01-15T10:30:00Z\n");
    expect(env).toContain("KAMAL_PERFORMER=deployer@example.com\n");
    expect(env).toContain("KAMAL_VERSION=999\n");
    expect(env).toContain("KAMAL_SERVICE_VERSION=app@999\n");
    expect(env).toContain("KAMAL_HOSTS=1.1.1.1,1.1.1.2\n");
    expect(env).toContain("KAMAL_COMMAND=deploy\n");
    expect(env).toContain("KAMAL_LOCK=false\n");
    expect(env).toContain("DB_PASSWORD=s3cret\n");
  });

  it("passes extra details and keeps secrets out of other hooks", async () => {
    const cwd = projectWithHook("post-app-boot", 'env | grep -E "^(KAMAL_HOSTS|DB_PASSWORD)" > "$PWD/env.out"; true');
    const ctx = testContext({
      raw,
      cwd,
      local: localRunner,
      secrets: { DB_PASSWORD: "s3cret" },
      env: { PATH: process.env["PATH"] },
    });
    await runHook(ctx, "post-app-boot", { hosts: "1.1.1.2" });
    expect(readFileSync(join(cwd, "env.out"), "utf8")).toBe("KAMAL_HOSTS=1.1.1.2\n");
  });

  it("fails with HookError naming the hook and showing its output", async () => {
    const cwd = projectWithHook("pre-build", 'echo "not ready"; exit 3');
    const ctx = testContext({ raw, cwd, local: localRunner, env: { PATH: process.env["PATH"] } });
    await expect(runHook(ctx, "pre-build")).rejects.toThrow("Hook `pre-build` failed:\nnot ready");
  });

  it("says a hook without its run bit is not executable and how to fix it", async () => {
    const cwd = projectWithHook("pre-deploy", "exit 0");
    chmodSync(join(cwd, ".kamal/hooks/pre-deploy"), 0o644);
    const ctx = testContext({ raw, cwd, local: localRunner, env: { PATH: process.env["PATH"] } });
    const error = await runHook(ctx, "pre-deploy").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HookError);
    expect((error as HookError).message).toBe(
      "Hook `pre-deploy` is not executable (.kamal/hooks/pre-deploy): run `chmod +x .kamal/hooks/pre-deploy`",
    );
  });

  it("names the missing interpreter of a hook's #! line", async () => {
    const cwd = projectWithHook("pre-build", "exit 0");
    writeFileSync(join(cwd, ".kamal/hooks/pre-build"), "#!/no/such/interpreter -e\nexit 0\n");
    const ctx = testContext({ raw, cwd, local: localRunner, env: { PATH: process.env["PATH"] } });
    await expect(runHook(ctx, "pre-build")).rejects.toThrow(
      "Hook `pre-build` could not be started: its interpreter /no/such/interpreter (#! line) was not found",
    );
  });

  it("does nothing for a missing hook or with --skip-hooks", async () => {
    const cwd = projectWithHook("pre-build", "exit 1");
    const missing = testContext({ raw, cwd, local: localRunner });
    await runHook(missing, "pre-deploy");
    const skipped = testContext({ raw, cwd, local: localRunner, options: { skipHooks: true } });
    await runHook(skipped, "pre-build");
  });
});
