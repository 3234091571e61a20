import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deploy } from "./deploy.js";
import { DryRunExecutor, PlanRecorder } from "../../remote/dry-run-executor.js";
import { formatPlan } from "../../output/plan.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { testContext } from "../../testing/test-context.js";
import { instantTiming, loginAndPull } from "../../testing/deploy-fixtures.js";

/** One web role behind the proxy on one host (the steady-state deploy of issue 11). */
const CONFIG = {
  service: "app",
  image: "dhh/app",
  registry: { server: "ghcr.io", username: "dhh", password: "regpw" },
  servers: ["1.1.1.1"],
  proxy: { host: "app.example.com", app_port: 3000 },
  env: { clear: { RAILS_ENV: "production" }, secret: ["DB_PASSWORD"] },
  readiness_delay: 0,
} as const;

/** The gather step's answers, as recorded on a host running version OLD behind kamal-proxy v0.9.2. */
function recordedHost(): RecordingExecutor {
  return new RecordingExecutor()
    .respond(/^docker network ls/, { stdout: "bridge\nhost\nnone\nkamal\ndhow\n" })
    .respond(/^docker inspect kamal-proxy --format/, { stdout: "v0.9.2\n" })
    .respond(/docker ps --latest --format/, { stdout: "OLD\n" })
    .respond(/^docker ps --filter label=service=app .* --format "\{\{\.Names\}\}"/, { stdout: "OLD\n" });
}

function dryRunContext(inner: RecordingExecutor | undefined) {
  const plan = new PlanRecorder();
  const base = testContext({
    raw: CONFIG,
    secrets: { DB_PASSWORD: "hunter2" },
    executor: inner ?? new RecordingExecutor(),
    plan,
  });
  const ctx = { ...base, executor: new DryRunExecutor(plan, inner) };
  return { ctx, plan };
}

const GATHER_AND_PULL = [
  "     mkdir -p .kamal",
  '     mkdir .kamal/lock-app && echo "TG9ja2VkIGJ5OiBEZXBsb3llciBhdCAyMDI1LTAxLTE1VDEwOjMwOjAwWgpW',
  "       ZXJzaW9uOiA5OTkKTWVzc2FnZTogQXV0b21hdGljIGRlcGxveSBsb2Nr",
  '       " > .kamal/lock-app/details',
  '     mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] Pulled image with version 999" >> .kamal/app-audit.log',
  "     docker image rm --force ghcr.io/dhh/app:999",
  "     (read) docker network ls --format '{{.Name}}'",
  "     (read) docker inspect kamal-proxy --format '{{.Config.Image}} {{.State.Running}} {{if index .NetworkSettings.Networks \"dhow\"}}on{{else}}off{{end}}'",
  '     (read) docker ps --filter label=service=app --filter label=destination= --filter label=role=web --format "{{.Names}}" | while read line; do echo ${line#app-web-}; done',
  "     (read) sh -c 'docker ps --latest --format '\\''{{.Names}}'\\'' --filter label=service=app --filter label=destination= --filter label=role=web --filter status=running --filter status=restarting --filter ancestor=$(docker image ls --filter reference=ghcr.io/dhh/app:latest --format '\\''{{.ID}}'\\'') ; docker ps --latest --format '\\''{{.Names}}'\\'' --filter label=service=app --filter label=destination= --filter label=role=web --filter status=running --filter status=restarting' | head -1 | while read line; do echo ${line#app-web-}; done",
  "     (read) docker container ls --all --filter 'name=^app-web-999$' --quiet",
  `     ${loginAndPull()}`,
  "     docker inspect -f '{{ .Config.Labels.service }}' ghcr.io/dhh/app:999 | grep -x app || (echo \"Image ghcr.io/dhh/app:999 is missing the 'service' label\" && exit 1)",
];

function projectWith(files: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), "dhow-dry-run-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(cwd, name), content);
  return cwd;
}

describe("deploy --dry-run", () => {
  it("prints the per-host plan after one gather round trip, and changes nothing", async () => {
    const host = recordedHost();
    const { ctx, plan } = dryRunContext(host);
    await deploy(ctx, { skipPush: true });
    const text = formatPlan(plan.entries, { command: "deploy", offline: false });
    // Each group of steps says what it is for; the commands are checked without those lines.
    expect(text.split("\n").filter((line) => line.startsWith("     # "))).toEqual([
      "     # take the deploy lock",
      "     # pull the new image",
      "     # read what the command decides on",
      "     # pull the new image (the reads above run beside it)",
      "     # make sure kamal-proxy runs",
      "     # the names network, error pages, assets, TLS files",
      "     # boot web 999, retire OLD",
      "     # tag the new image latest",
      "     # prune old containers",
      "     # prune old images",
      "     # report OLD's retirement (started by the boot script)",
      "     # release the deploy lock",
    ]);
    const lines = text.split("\n").filter((line) => !line.startsWith("     # "));
    expect(lines.slice(0, 4)).toEqual([
      "Dry run of `dhow deploy`: nothing was changed.",
      "Steps marked (read) only read; they ran to decide the plan.",
      "",
      "1.1.1.1 (3 round trips):",
    ]);
    expect(lines.slice(4, 5 + GATHER_AND_PULL.length)).toEqual(["  1. script", ...GATHER_AND_PULL]);
    const boot = lines.slice(lines.indexOf("  2. script") + 1, lines.indexOf("  3. script"));
    expect(boot.map((line) => line.trim().split(" ").slice(0, 3).join(" "))).toEqual([
      "mkdir -p .kamal/proxy/apps-config",
      "docker container start",
      "sh -c 'set",
      "mkdir -p .kamal",
      "mkdir -p .kamal/apps/app/env/roles",
      "docker run --detach",
      "sh -c 'pid=$(docker",
      "docker exec kamal-proxy",
      "docker network connect",
      // the old version leaves the name and stops in the background (commands/detached.ts)
      "d=/tmp/dhow-detached-a1b2c3d4e5f6a7b8; if mkdir",
    ]);
    expect(boot.join("\n")).toContain("printf %s [REDACTED] | base64 -d > .kamal/apps/app/env/roles/web.env");
    expect(boot.join("\n")).not.toContain("hunter2");
    expect(boot.join("\n")).toContain(
      `--target="$(docker container ls --all --filter 'name=^app-web-999$' --quiet):3000"`,
    );
    const cleanUp = lines.slice(lines.indexOf("  3. script") + 1).filter((line) => line.trim() !== "");
    expect(cleanUp.map((line) => line.trim().split(" ").slice(0, 3).join(" "))).toEqual([
      "mkdir -p .kamal",
      "docker tag ghcr.io/dhh/app:999",
      "mkdir -p .kamal",
      "docker ps -q",
      "mkdir -p .kamal",
      "docker image prune",
      "docker image ls",
      "wait # sh",
      "d=/tmp/dhow-detached-a1b2c3d4e5f6a7b8; [ -d",
      "wait # docker",
      "d=/tmp/dhow-detached-a1b2c3d4e5f6a7b8; [ -d",
      "rm .kamal/lock-app/details &&",
    ]);
    // The whole plan, pinned (regenerate with `vitest run -u` after an intended change, and read the diff).
    await expect(text).toMatchFileSnapshot("./__snapshots__/deploy-dry-run.txt");
    // The host only saw the gather step's reads: one script, nothing else.
    expect(host.calls.map((call) => call.kind)).toEqual(["script"]);
    expect(host.calls[0]?.steps?.every((step) => !/^(mkdir|docker (login|pull|run|tag))/.test(step))).toBe(true);
  });

  it("--offline plans from the config alone: a host where nothing runs yet, no connection", async () => {
    const { ctx, plan } = dryRunContext(undefined);
    await deploy(ctx, { skipPush: true });
    const text = formatPlan(plan.entries, { command: "deploy", offline: true });
    expect(text).toContain("Offline: no host was contacted");
    expect(text).toContain("     docker network create kamal");
    expect(text).toContain("docker container start kamal-proxy || ");
    expect(text).not.toContain("docker stop"); // nothing ran before, nothing to stop
    expect(ctx.executor.roundTrips()).toEqual([]);
  });

  it("--offline plans an accessory dependency on another host: its boot after the kamal network, in two scripts, the port check noted", async () => {
    const plan = new PlanRecorder();
    const base = testContext({
      raw: {
        ...CONFIG,
        servers: { web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: ["redis"] } },
        accessories: {
          redis: { image: "redis:7", host: "1.1.1.1", port: "6379:6379", files: ["redis.conf:/etc/redis.conf"] },
        },
      },
      secrets: { DB_PASSWORD: "hunter2" },
      cwd: projectWith({ "redis.conf": "maxmemory 64mb\n" }),
      plan,
    });
    const ctx = { ...base, executor: new DryRunExecutor(plan) };
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    const text = formatPlan(plan.entries, { command: "deploy", offline: true });
    // The accessory's host: the kamal network first (created once, before anything can race it), then its
    // boot is one script with the prepare + read (behind the steps queued for the host), one with the files and the run.
    const commands = plan.entries.flatMap((entry) =>
      entry.kind === "script" && entry.host === "1.1.1.1" ? [entry.steps.map((step) => step.text)] : [],
    );
    const prepareAt = commands.findIndex((steps) => steps.includes("docker ps -a -q --filter label=service=app-redis"));
    // The host's queued steps (the proxy, the names network) ride in front of the read.
    expect(commands[prepareAt]?.at(-1)).toBe("docker ps -a -q --filter label=service=app-redis");
    expect(commands.slice(0, prepareAt).flat()).toContain("docker network create kamal");
    const boot = commands.find((steps) => steps.some((step) => step.startsWith("docker run --name app-redis")));
    expect(boot?.map((step) => step.split(" ").slice(0, 3).join(" "))).toEqual([
      "mkdir -p app-redis/etc",
      "chmod 755 app-redis/etc/redis.conf",
      "mkdir -p .kamal",
      "mkdir -p .kamal/apps/app/env/accessories",
      "docker run --name",
    ]);
    expect(boot?.[0]).toContain("printf %s 'bWF4bWVtb3J5IDY0bWIK' | base64 -d > app-redis/etc/redis.conf");
    expect(plan.entries.some((entry) => entry.kind === "upload")).toBe(false);
    // Offline, the port the other host reaches is not known: noted, not a failure.
    expect(text).toContain("local: check before the roles boot: role web on 1.1.1.2 reaches app-redis");
    expect(text).toContain("docker run --detach --restart unless-stopped --name app-web-999");
  });

  it("--offline plans a one-shot `completed` dependency: its run and its wait are planned, then the role's boot", async () => {
    const plan = new PlanRecorder({ offline: true });
    const base = testContext({
      raw: {
        ...CONFIG,
        servers: { web: { hosts: ["1.1.1.1"], depends_on: { schema: { condition: "completed" } } } },
        accessories: { schema: { image: "busybox:1", host: "1.1.1.1", cmd: "true" } },
      },
      secrets: { DB_PASSWORD: "hunter2" },
      plan,
    });
    await deploy({ ...base, executor: new DryRunExecutor(plan) }, { skipPush: true, timing: instantTiming() });
    const steps = plan.entries.flatMap((entry) =>
      entry.kind === "script" ? entry.steps.map((step) => step.text) : [],
    );
    const wait = steps.findIndex((step) => step.includes("docker wait app-schema"));
    const run = steps.findIndex((step) => step.startsWith("docker run --name app-schema"));
    expect(run).toBeGreaterThanOrEqual(0);
    expect(wait).toBeGreaterThan(run);
    expect(steps.findIndex((step) => step.includes("--name app-web-999"))).toBeGreaterThan(wait);
  });
});
