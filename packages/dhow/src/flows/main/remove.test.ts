import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { audit } from "./audit.js";
import { details } from "./details.js";
import { ACCESSORY_CONFIG, LOCK_ACQUIRE, LOCK_RELEASE, progressLines, shown } from "../../testing/ops-fixtures.js";
import { remove } from "./remove.js";
import { testContext } from "../../testing/test-context.js";

describe("remove / details / audit", () => {
  it("remove -y: app, proxy, accessories and registry logout, under one lock", async () => {
    const executor = new RecordingExecutor().respond("ls .kamal/apps | wc -l", { stdout: "0\n" });
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await remove(ctx, { confirmed: true });
    const primary = executor.commands("1.1.1.1");
    expect(primary.filter((c) => LOCK_ACQUIRE.test(c))).toHaveLength(1);
    expect(primary.at(-1)).toBe(LOCK_RELEASE);
    const order = [
      "docker container prune --force --filter label=service=app --filter label=destination= --filter label=role=web",
      "rm -r .kamal/proxy",
      "rm -rf app-web2",
      "docker logout ghcr.io",
    ];
    expect(order.map((command) => primary.indexOf(command))).toEqual(
      [...order.map((command) => primary.indexOf(command))].sort((a, b) => a - b),
    );
    expect(order.every((command) => primary.includes(command))).toBe(true);
    expect(executor.commands("1.1.1.5")).toContain("rm -rf app-mysql");
    expect(executor.commands("1.1.1.5")).toContain("docker logout ghcr.io");
  });

  it("remove -y shows every step on every host as it runs and when it is done", async () => {
    const executor = new RecordingExecutor().respond("ls .kamal/apps | wc -l", { stdout: "0\n" });
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await remove(ctx, { confirmed: true });
    expect(progressLines(ctx.logger, "1.1.1.1")).toEqual(
      [
        "stop web",
        "remove web containers",
        "remove app images",
        "remove app directories",
        "stop proxy",
        "remove proxy container",
        "remove proxy image",
        "remove proxy directory",
        "stop web2",
        "remove web2 container",
        "remove web2 image",
        "remove web2 directory",
      ].flatMap((step) => [`${step}...`, `${step} done in Ns`]),
    );
    expect(progressLines(ctx.logger, "1.1.1.5")).toEqual(
      ["stop mysql", "remove mysql container", "remove mysql image", "remove mysql directory"].flatMap((step) => [
        `${step}...`,
        `${step} done in Ns`,
      ]),
    );
  });

  it("remove: asks; no means nothing happens", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    const questions: string[] = [];
    await remove(ctx, {
      confirm: async (question) => {
        questions.push(question);
        return false;
      },
    });
    expect(questions).toEqual(["This will remove all containers and images. Are you sure?"]);
    expect(ctx.executor.calls).toEqual([]);
    expect(shown(ctx.logger)).toEqual(["Aborted"]);
  });

  it("remove: yes, then Kamal asks again about the accessories' data directories", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    const questions: string[] = [];
    await remove(ctx, {
      confirm: async (question) => {
        questions.push(question);
        return questions.length === 1;
      },
    });
    expect(questions).toEqual([
      "This will remove all containers and images. Are you sure?",
      "This will remove all containers, images and data directories for all. Are you sure?",
    ]);
    expect(ctx.executor.commands().some((c) => c.startsWith("rm -rf"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.1")).toContain("docker logout ghcr.io");
  });

  it("details: proxy, app, then accessories", async () => {
    const executor = new RecordingExecutor().respond(/^docker ps/, ({ command }) => ({ stdout: command }));
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor, selection: { hosts: "1.1.1.1" } });
    await details(ctx);
    expect(executor.commands("1.1.1.1")).toEqual([
      "docker ps --filter 'name=^kamal-proxy$'",
      "docker ps --filter label=service=app --filter label=destination= --filter label=role=web",
      "docker ps --filter label=service=app-web2",
    ]);
    expect(shown(ctx.logger).filter((line) => line.includes("Host:"))).toEqual([
      "Proxy Host: 1.1.1.1",
      "App Host: 1.1.1.1",
      "Accessory web2 Host: 1.1.1.1",
    ]);
  });

  it("audit: tail -n 50 of the service's audit log on every host", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG, destination: "staging", selection: { hosts: "1.1.1.5" } });
    await audit(ctx);
    expect(ctx.executor.commands("1.1.1.5")).toEqual(["tail -n 50 .kamal/app-staging-audit.log"]);
  });
});
