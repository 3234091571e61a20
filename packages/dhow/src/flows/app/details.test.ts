import { describe, expect, it } from "vitest";
import { captureLogger } from "../../output/logger.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { appContainers } from "./containers.js";
import { appDetails } from "./details.js";
import { appImages } from "./images.js";
import { appVersion } from "./version.js";
import { APP_CONFIG, isCurrentVersionQuery, shown } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

function answering() {
  return new RecordingExecutor()
    .respond(/^docker ps --filter label=service=app/, ({ host, command }) => ({
      stdout: `CONTAINER ID ${command.match(/label=role=(\w+)/)?.[1]} ${host}\n`,
    }))
    .respond(/^docker container ls --all/, ({ host }) => ({ stdout: `all of ${host}\n` }))
    .respond(/^docker image ls/, ({ host }) => ({ stdout: `images of ${host}\n` }))
    .respond(
      ({ command }) => isCurrentVersionQuery(command),
      ({ host }) => ({ stdout: `v-${host}\n` }),
    );
}

describe("app details / containers / images / version", () => {
  it("details: docker ps per host and role, under App Host headers", async () => {
    const ctx = testContext({ raw: APP_CONFIG, executor: answering() });
    await appDetails(ctx);
    expect(ctx.executor.commands("1.1.1.3")).toEqual([
      "docker ps --filter label=service=app --filter label=destination= --filter label=role=workers",
    ]);
    expect(shown(ctx.logger)).toEqual([
      "App Host: 1.1.1.1",
      "CONTAINER ID web 1.1.1.1",
      "Stable name: app-web (kamal network)",
      "",
      "App Host: 1.1.1.2",
      "CONTAINER ID web 1.1.1.2",
      "Stable name: app-web (kamal network)",
      "",
      "App Host: 1.1.1.3",
      "CONTAINER ID workers 1.1.1.3",
      "Stable name: app-workers (kamal network)",
      "",
    ]);
  });

  it("details: the stable name with the destination, the role's own aliases and the accessories it reaches elsewhere", async () => {
    const raw = {
      ...APP_CONFIG,
      servers: {
        web: ["1.1.1.1"],
        workers: { hosts: ["1.1.1.3"], depends_on: ["redis", "db"], options: { "network-alias": "jobs" } },
      },
      accessories: {
        redis: { image: "redis:7", host: "1.1.1.5", port: 6379 },
        db: { image: "postgres:16", host: "10.0.0.6", port: 5432 },
      },
      private_ip: { "1.1.1.5": "10.0.0.5" },
    };
    const ctx = testContext({ raw, executor: answering(), destination: "staging", selection: { roles: "workers" } });
    await appDetails(ctx);
    expect(shown(ctx.logger)).toEqual([
      "App Host: 1.1.1.3",
      "CONTAINER ID workers 1.1.1.3",
      "Stable name: app-workers-staging (kamal network)",
      "Network aliases: jobs (kamal network)",
      "Reaches app-redis at 10.0.0.5 (on 1.1.1.5, depends_on)",
      "Reaches app-db at 10.0.0.6 (on 10.0.0.6, depends_on)",
      "",
    ]);
  });

  it("details -q: only docker ps, as Kamal prints it", async () => {
    const ctx = { ...testContext({ raw: APP_CONFIG, executor: answering() }), logger: captureLogger("quiet") };
    await appDetails(ctx);
    expect(ctx.logger.lines).toEqual([
      "CONTAINER ID web 1.1.1.1",
      "CONTAINER ID web 1.1.1.2",
      "CONTAINER ID workers 1.1.1.3",
    ]);
  });

  it("containers: every container of the service and destination, without a role filter", async () => {
    const ctx = testContext({ raw: APP_CONFIG, executor: answering(), destination: "staging" });
    await appContainers(ctx);
    expect(ctx.executor.commands("1.1.1.1")).toEqual([
      "docker container ls --all --filter label=service=app --filter label=destination=staging",
    ]);
    expect(shown(ctx.logger)).toContain("all of 1.1.1.3");
  });

  it("images: docker image ls <repository> on every app host", async () => {
    const ctx = testContext({ raw: APP_CONFIG, executor: answering() });
    await appImages(ctx);
    expect(ctx.executor.commands()).toEqual([
      "docker image ls ghcr.io/dhh/app",
      "docker image ls ghcr.io/dhh/app",
      "docker image ls ghcr.io/dhh/app",
    ]);
  });

  it("version: the running version of the host's first role", async () => {
    const ctx = testContext({ raw: APP_CONFIG, executor: answering(), selection: { hosts: "1.1.1.3" } });
    await appVersion(ctx);
    expect(ctx.executor.commands("1.1.1.3")[0]).toContain("label=role=workers");
    expect(shown(ctx.logger)).toEqual(["App Host: 1.1.1.3", "v-1.1.1.3", ""]);
  });

  it("-q drops the host headers", async () => {
    const ctx = { ...testContext({ raw: APP_CONFIG, executor: answering() }), logger: captureLogger("quiet") };
    await appVersion(ctx);
    expect(ctx.logger.lines).toEqual(["v-1.1.1.1", "v-1.1.1.2", "v-1.1.1.3"]);
  });

  it("reports failures of every host together", async () => {
    const executor = new RecordingExecutor().respond(/^docker image ls/, ({ host }) =>
      host === "1.1.1.2" ? {} : { exitCode: 1, stderr: "Cannot connect to the Docker daemon" },
    );
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await expect(appImages(ctx)).rejects.toThrow(
      /Exceptions on 2 hosts:\n.*failed on 1\.1\.1\.1.*\n {2}Cannot connect to the Docker daemon\n.*failed on 1\.1\.1\.3.*\n {2}Cannot connect to the Docker daemon$/,
    );
    expect(executor.commands("1.1.1.2")).toEqual(["docker image ls ghcr.io/dhh/app"]);
  });
});
