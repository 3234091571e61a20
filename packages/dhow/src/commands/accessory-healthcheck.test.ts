import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createConfig } from "../config/config.js";
import type { RawConfig } from "../config/raw-config.js";
import { staticSecrets } from "../secrets/secrets.js";
import * as accessory from "./accessory.js";
import { DEFAULT_HEALTHCHECK_INTERVAL, healthcheckArgs, healthcheckCommand } from "./accessory-healthcheck.js";
import { render } from "./command.js";

function target(healthcheck: Record<string, unknown> | undefined) {
  const config = createConfig(
    {
      service: "app",
      image: "dhh/app",
      registry: { username: "u", password: "p" },
      servers: ["1.1.1.1"],
      accessories: {
        db: { image: "postgres:16", host: "1.1.1.5", ...(healthcheck ? { healthcheck } : {}) },
      },
    } as unknown as RawConfig,
    { version: "999", secrets: staticSecrets({}), cwd: "/project" },
  );
  return { config, accessory: config.accessory("db")! };
}

/** The drift label a config with a healthcheck gets (config/accessory-config-hash.ts). */
const label = (t: ReturnType<typeof target>) => `--label dhow.config-hash="${t.accessory.configHash()}"`;

const RUN_START =
  'docker run --name app-db --detach --restart unless-stopped --network kamal --log-opt max-size="10m" --env-file .kamal/apps/app/env/accessories/db.env --label service="app-db"';

describe("accessory run with a healthcheck (Docker's own health check)", () => {
  it("passes cmd as given (CMD-SHELL) with every timing", () => {
    const t = target({
      cmd: "pg_isready -U postgres",
      interval: "2s",
      timeout: 3,
      retries: 5,
      start_period: "1m30s",
    });
    expect(render(accessory.run(t))).toBe(
      `${RUN_START} ${label(t)} --health-cmd 'pg_isready -U postgres' --health-interval 2s --health-timeout 3s --health-retries 5 --health-start-period 1m30s postgres:16`,
    );
  });

  it("turns path + port into curl, else wget, on the container's loopback; default interval 5s", () => {
    const t = target({ path: "/up", port: 8080 });
    expect(render(accessory.run(t))).toBe(
      `${RUN_START} ${label(t)} --health-cmd 'curl -fsS -o /dev/null '\\''http://127.0.0.1:8080/up'\\'' || wget -q -O /dev/null '\\''http://127.0.0.1:8080/up'\\''' --health-interval 5s postgres:16`,
    );
    expect(DEFAULT_HEALTHCHECK_INTERVAL).toBe("5s");
  });

  it("turns port alone into nc -z, else bash's /dev/tcp", () => {
    const t = target({ port: 5432, retries: 0 });
    expect(render(accessory.run(t))).toBe(
      `${RUN_START} ${label(t)} --health-cmd 'nc -z 127.0.0.1 5432 || bash -c '\\''exec 3<>/dev/tcp/127.0.0.1/5432'\\''' --health-interval 5s --health-retries 0 postgres:16`,
    );
  });

  it("adds nothing without a healthcheck (Kamal's command)", () => {
    expect(render(accessory.run(target(undefined)))).toBe(`${RUN_START} postgres:16`);
  });

  it("quotes each command so the remote shell hands Docker exactly the command text", () => {
    const timing = { interval: undefined, timeout: undefined, retries: undefined, startPeriod: undefined };
    for (const healthcheck of [
      { ...timing, kind: "cmd" as const, cmd: `redis-cli -a "$REDIS_PASSWORD" ping | grep -q 'PONG'` },
      { ...timing, kind: "http" as const, path: "health?full=1&x='y'", port: 80 },
      { ...timing, kind: "tcp" as const, port: 6379 },
    ]) {
      const [flag, quoted] = healthcheckArgs(healthcheck);
      expect(flag).toBe("--health-cmd");
      const parsed = execFileSync("/bin/sh", ["-c", `printf '%s' ${quoted}`], { encoding: "utf8" });
      expect(parsed).toBe(healthcheckCommand(healthcheck));
    }
    expect(healthcheckCommand({ ...timing, kind: "http", path: "health", port: 80 })).toBe(
      "curl -fsS -o /dev/null 'http://127.0.0.1:80/health' || wget -q -O /dev/null 'http://127.0.0.1:80/health'",
    );
  });
});
