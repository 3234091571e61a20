import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { instantTiming, localDocker, roundTripsTo, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { LOCK_RELEASE, withoutLock } from "../../testing/ops-fixtures.js";
import { rollback } from "./rollback.js";
import { testContext } from "../../testing/test-context.js";

/** Hosts where containers of versions `123` (old, stopped) and `999` (running) exist. */
function fleet(missingOn?: string) {
  let booted = false;
  return new RecordingExecutor()
    .respond(/docker ps --latest --format/, { stdout: "999\n" })
    .respond(/^docker container ls --all --filter 'name=\^app-(web|workers)-123\$' --quiet$/, (request) => ({
      stdout: request.host === missingOn ? "" : "old-id\n",
    }))
    .respond(/^docker rename/, () => {
      booted = true;
      return {};
    })
    .respond(/^docker container ls --all --filter 'name=\^app-web-123\$' --quiet$/, (request) => ({
      stdout: request.host === missingOn ? "" : booted ? "new-id\n" : "old-id\n",
    }))
    .respond(/xargs docker inspect --format/, { stdout: "running\n" });
}

describe("rollback", () => {
  it("checks every host and role, then renames the old container aside and boots its version again", async () => {
    const ctx = testContext({
      raw: TRACE_CONFIG,
      executor: fleet(),
      local: localDocker(),
      options: { command: "rollback" },
    });
    expect(await rollback(ctx, "123", { timing: instantTiming() })).toBe(true);
    // Round trips per host: the gather (the version's containers among the facts), the boot, the tag; on the
    // lock's host the release once every host tagged.
    expect(ctx.executor.roundTrips()).toEqual([
      { host: "1.1.1.1", exec: 4, sftp: 0 },
      { host: "1.1.1.2", exec: 3, sftp: 0 },
      { host: "1.1.1.3", exec: 3, sftp: 0 },
    ]);
    expect(roundTripsTo(ctx.executor, "1.1.1.2")[0]).toContain(
      "docker container ls --all --filter 'name=^app-web-123$' --quiet",
    );
    const web = withoutLock(ctx.executor.commands("1.1.1.2"));
    expect(web).toContain("docker rename app-web-123 app-web-123_replaced_a1b2c3d4e5f6a7b8");
    expect(web.find((command) => command.startsWith("docker run"))).toContain("--name app-web-123 ");
    expect(web.find((command) => command.startsWith("docker run"))).toContain("ghcr.io/dhh/app:123");
    expect(web).toContain("docker container ls --all --filter 'name=^app-web-999$' --quiet | xargs docker stop");
    expect(web.at(-1)).toBe("docker tag ghcr.io/dhh/app:123 ghcr.io/dhh/app:latest");
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
    expect(ctx.executor.commands().some((command) => command.includes("network create kamal"))).toBe(false);
  });

  it("changes nothing when a host lacks the version, and says so", async () => {
    const ctx = testContext({ raw: TRACE_CONFIG, executor: fleet("1.1.1.3"), local: localDocker() });
    expect(await rollback(ctx, "123", { timing: instantTiming() })).toBe(false);
    // Only the gather step's read-only queries went out (and the lock's release).
    expect(roundTripsTo(ctx.executor, "1.1.1.3")).toHaveLength(1);
    const readOnly =
      /^(docker network ls |docker inspect kamal-proxy --format |docker info --format |docker ps --filter |sh -c 'docker ps --latest |docker container ls --all --filter '\S+' --quiet$)/;
    const commands = withoutLock(ctx.executor.commands());
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command, `not a query: ${command}`).toMatch(readOnly);
    expect(ctx.logger.text()).toContain(
      "The app version '123' is not available as a container (use 'dhow app containers' for available versions)",
    );
    expect(ctx.logger.text()).toContain("Container not found on 1.1.1.3 (workers)");
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
  });
});
