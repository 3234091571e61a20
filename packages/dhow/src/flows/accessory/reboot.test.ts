import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { accessoryReboot } from "./reboot.js";
import { ACCESSORY_CONFIG, auditLine, LOCK_ACQUIRE, progressLines, withoutLock } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

describe("accessoryReboot", () => {
  it("prepares, pulls, stops, prunes and boots again (without a second login), under one lock", async () => {
    // The container is gone after the prune, so the boot's existence check finds nothing.
    const executor = new RecordingExecutor();
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await accessoryReboot(ctx, "mysql");
    expect(withoutLock(executor.commands("1.1.1.5"))).toEqual([
      "docker login ghcr.io -u [REDACTED] -p [REDACTED]",
      "docker network create kamal",
      auditLine("Pulled image for mysql accessory"),
      "docker image pull mysql:8.0",
      auditLine("Stopped mysql accessory"),
      "docker container stop app-mysql",
      auditLine("Remove mysql accessory container"),
      "docker container prune --force --filter label=service=app-mysql",
      "docker ps -a -q --filter label=service=app-mysql",
      "mkdir -p $PWD/app-mysql/data",
      auditLine("Booted mysql accessory"),
      "mkdir -p .kamal/apps/app/env/accessories && touch .kamal/apps/app/env/accessories/mysql.env && chmod 600 .kamal/apps/app/env/accessories/mysql.env && printf %s [REDACTED] | base64 -d > .kamal/apps/app/env/accessories/mysql.env",
      'docker run --name app-mysql --detach --restart unless-stopped --network kamal --log-opt max-size="10m" --publish 3306:3306 --env KAMAL_HOST="1.1.1.5" --env-file .kamal/apps/app/env/accessories/mysql.env --volume $PWD/app-mysql/data:/var/lib/mysql --label service="app-mysql" mysql:8.0',
    ]);
    expect(executor.commands().filter((c) => LOCK_ACQUIRE.test(c))).toHaveLength(1);
  });

  it("shows each host's pull, stop, container removal and boot as they run and when they are done", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryReboot(ctx, "web2");
    for (const host of ["1.1.1.1", "1.1.1.2"]) {
      expect(progressLines(ctx.logger, host)).toEqual(
        ["pull web2", "stop web2", "remove web2 container", "boot web2"].flatMap((step) => [
          `${step}...`,
          `${step} done in Ns`,
        ]),
      );
    }
  });

  it("reboots all accessories one after another", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryReboot(ctx, "all");
    const pulls = ctx.executor.calls
      .filter((call) => call.command.startsWith("docker image pull"))
      .map((c) => c.command);
    expect(pulls).toEqual(["docker image pull mysql:8.0", "docker image pull busybox", "docker image pull busybox"]);
  });
});
