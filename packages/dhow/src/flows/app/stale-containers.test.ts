import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { staleContainers } from "./stale-containers.js";
import { shown } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const raw = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  builder: { arch: "amd64" },
  servers: { web: ["1.1.1.1", "1.1.1.2"], workers: { hosts: ["1.1.1.2"], cmd: "bin/jobs" } },
};

const LIST_WEB =
  'docker ps --filter label=service=app --filter label=destination= --filter label=role=web --format "{{.Names}}" | while read line; do echo ${line#app-web-}; done';
const LIST_WORKERS =
  'docker ps --filter label=service=app --filter label=destination= --filter label=role=workers --format "{{.Names}}" | while read line; do echo ${line#app-workers-}; done';
const CURRENT_WEB =
  /^sh -c 'docker ps --latest --format '\\''\{\{\.Names\}\}'\\'' --filter label=service=app --filter label=destination= --filter label=role=web .* \| head -1 \| while read line; do echo \$\{line#app-web-\}; done$/;

function executor() {
  return new RecordingExecutor()
    .respond(LIST_WEB, ({ host }) => ({ stdout: host === "1.1.1.1" ? "new\nold1\nold2\n" : "new\n" }))
    .respond(LIST_WORKERS, { stdout: "new\nold1\n" })
    .respond((request) => request.command.includes("--latest") && request.command.includes("head -1"), {
      stdout: "new\n",
    });
}

describe("staleContainers", () => {
  it("lists stale versions per host and role without locking", async () => {
    const ctx = testContext({ raw, executor: executor() });
    await staleContainers(ctx, { stop: false });
    expect(shown(ctx.logger)).toEqual([
      "App Host: 1.1.1.1",
      "Detected stale container for role web with version old1 (use `dhow app stale_containers --stop` to stop)",
      "",
      "App Host: 1.1.1.1",
      "Detected stale container for role web with version old2 (use `dhow app stale_containers --stop` to stop)",
      "",
      "App Host: 1.1.1.2",
      "Detected stale container for role workers with version old1 (use `dhow app stale_containers --stop` to stop)",
      "",
    ]);
    expect(ctx.executor.commands().some((c) => c.includes("lock-app"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.1")[0]).toBe(LIST_WEB);
    expect(ctx.executor.commands("1.1.1.1")[1]).toMatch(CURRENT_WEB);
  });

  it("stops them with --stop, holding the lock, with the role's stop timeout", async () => {
    const ctx = testContext({ raw, executor: executor() });
    await staleContainers(ctx, { stop: true });
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary[1]).toMatch(/^mkdir \.kamal\/lock-app/);
    expect(primary.filter((c) => c.includes("xargs docker stop"))).toEqual([
      "docker container ls --all --filter 'name=^app-web-old1$' --quiet | xargs docker stop",
      "docker container ls --all --filter 'name=^app-web-old2$' --quiet | xargs docker stop",
    ]);
    expect(primary.at(-1)).toBe("rm .kamal/lock-app/details && rm -r .kamal/lock-app");
    expect(ctx.executor.commands("1.1.1.2").filter((c) => c.includes("xargs docker stop"))).toEqual([
      "docker container ls --all --filter 'name=^app-workers-old1$' --quiet | xargs docker stop -t 30",
    ]);
    expect(ctx.logger.lines).toContain("Stopping stale container for role web with version old2");
  });

  it("keeps going when a stop fails (Kamal stops with raise_on_non_zero_exit: false)", async () => {
    const ctx = testContext({
      raw,
      executor: executor().respond(/xargs docker stop/, { exitCode: 1, stderr: "No such container" }),
    });
    await staleContainers(ctx, { stop: true });
    expect(ctx.executor.commands("1.1.1.1").filter((c) => c.includes("xargs docker stop"))).toHaveLength(2);
  });

  it("does not re-lock inside a deploy that holds the lock", async () => {
    const ctx = testContext({ raw, executor: executor() });
    ctx.state.holdingLock = true;
    await staleContainers(ctx, { stop: true });
    expect(ctx.executor.commands().some((c) => c.includes("lock-app"))).toBe(false);
  });

  it("only looks at the selected roles", async () => {
    const ctx = testContext({ raw, executor: executor(), selection: { roles: "workers" } });
    await staleContainers(ctx, { stop: false });
    expect(ctx.executor.commands("1.1.1.1")).toEqual([]);
    expect(ctx.executor.commands("1.1.1.2")[0]).toBe(LIST_WORKERS);
  });

  it("never stops a container kamal-proxy routes to, whatever the current-version query says", async () => {
    // After an interrupted deploy: `latest` still names old1, but the proxy switched to new.
    const exec = new RecordingExecutor()
      .respond(LIST_WEB, { stdout: "new\nold1\n" })
      .respond(LIST_WORKERS, { stdout: "" })
      .respond((request) => request.command.includes("--latest") && request.command.includes("head -1"), {
        stdout: "old1\n",
      })
      .respond("docker exec kamal-proxy kamal-proxy list", {
        stdout: `${"Service".padEnd(30)}${"Host".padEnd(30)}${"Path".padEnd(30)}${"Target".padEnd(30)}State     TLS\n${"app-web".padEnd(30)}${"*".padEnd(30)}${"/".padEnd(30)}${"c0ffee000001:80".padEnd(30)}running   no\n`,
      })
      .respond("docker container ls --all --filter 'name=^app-web-new$' --quiet", { stdout: "c0ffee000001\n" });
    const ctx = testContext({ raw, executor: exec });
    await staleContainers(ctx, { stop: true });
    const stops = ctx.executor.commands().filter((c) => c.includes("xargs docker stop"));
    expect(stops).toEqual([]);
    expect(shown(ctx.logger)).toContain(
      "Not stopping container for role web with version new: kamal-proxy routes app-web to it",
    );
  });
});
