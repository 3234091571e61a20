import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deploy } from "./deploy.js";
import { render } from "../../commands/command.js";
import { collectDetached, detach } from "../../commands/detached.js";
import { RemoteError } from "../../remote/executor.js";
import {
  BUILD_FACTS,
  fleetExecutor,
  instantTiming,
  localDocker,
  localLines,
  loginAndPull,
  roundTripsTo,
  TRACE_CONFIG,
} from "../../testing/deploy-fixtures.js";
import { auditLine, LOCK_ACQUIRE, LOCK_RELEASE } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const currentVersion = (role: string) =>
  `sh -c 'docker ps --latest --format '\\''{{.Names}}'\\'' --filter label=service=app --filter label=destination= --filter label=role=${role} --filter status=running --filter status=restarting --filter ancestor=$(docker image ls --filter reference=ghcr.io/dhh/app:latest --format '\\''{{.ID}}'\\'') ; docker ps --latest --format '\\''{{.Names}}'\\'' --filter label=service=app --filter label=destination= --filter label=role=${role} --filter status=running --filter status=restarting' | head -1 | while read line; do echo \${line#app-${role}-}; done`;
const listVersions = (role: string) =>
  `docker ps --filter label=service=app --filter label=destination= --filter label=role=${role} --format "{{.Names}}" | while read line; do echo \${line#app-${role}-}; done`;

const containerId = (role: string) => `docker container ls --all --filter 'name=^app-${role}-999$' --quiet`;
const PROXY_STATE =
  "docker inspect kamal-proxy --format '{{.Config.Image}} {{.State.Running}} {{if index .NetworkSettings.Networks \"dhow\"}}on{{else}}off{{end}}'";
const MIRROR = "docker info --format '{{index .RegistryConfig.Mirrors 0}}'";

/**
 * A host's first round trip: `.kamal` (and the lock on the primary host), then every fact the deploy decides
 * on: networks, the proxy's version on proxy hosts, and per role the
 * running versions, the current one and a container already named for the new version.
 */
function gather(role: string, { proxy, lock, guard = false }: { proxy: boolean; lock: boolean; guard?: boolean }) {
  return [
    "mkdir -p .kamal",
    ...(lock ? [expect.stringMatching(LOCK_ACQUIRE)] : []),
    // With several app hosts: the mirror guard answers before the reads start (they then run beside the pull).
    ...(guard ? [NO_MIRROR_GUARD] : []),
    "docker network ls --format '{{.Name}}'",
    ...(proxy ? [PROXY_STATE] : []),
    listVersions(role),
    currentVersion(role),
    containerId(role),
  ];
}

/** The first script of a host that pulls: `.kamal`, lock and guard, the pull's preparation, the reads, the pull. */
function firstScript(role: string, options: { proxy: boolean; lock: boolean; guard?: boolean }) {
  const steps = gather(role, options);
  const readsFrom = 1 + (options.lock ? 1 : 0) + (options.guard ? 1 : 0);
  return [...steps.slice(0, readsFrom), ...PULL_PREPARE, ...steps.slice(readsFrom), ...PULL_ITSELF];
}

/**
 * A deploy to one host where both networks exist and the gather reads the proxy as `<running> <on|off dhow>`
 * (e.g. "true on").
 */
async function deployOneHostWithProxy(state: string) {
  const raw = { ...TRACE_CONFIG, servers: ["1.1.1.1"] };
  const executor = fleetExecutor()
    .respond("docker network ls --format '{{.Name}}'", { stdout: "bridge\nhost\nkamal\ndhow\n" })
    .respond(PROXY_STATE, { stdout: `ghcr.io/dhh/dhow-proxy:v0.9.2 ${state}\n` });
  const ctx = testContext({ raw, executor, local: localDocker() });
  await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() });
  return ctx;
}

/** With several app hosts: the pull goes on only where docker has no registry mirror (else it waits for seeding). */
const NO_MIRROR_GUARD = `sh -c 'm=$(docker info --format '\\''{{index .RegistryConfig.Mirrors 0}}'\\'' 2>/dev/null); [ -z "$m" ] || { echo "$m"; exit 1; }'`;

/** The pull's preparation: in the first script before the reads start (they then run beside the pull itself). */
const PULL_PREPARE = [auditLine("Pulled image with version 999"), "docker image rm --force ghcr.io/dhh/app:999"];
/** The pull itself: at the end of the first script. */
const PULL_ITSELF = [
  loginAndPull(),
  "docker inspect -f '{{ .Config.Labels.service }}' ghcr.io/dhh/app:999 | grep -x app || (echo \"Image ghcr.io/dhh/app:999 is missing the 'service' label\" && exit 1)",
];
/** The whole pull, as a script of its own (behind a registry mirror). */
const PULL = [...PULL_PREPARE, ...PULL_ITSELF];
/** The proxy's start: the version was gathered and the pull logged in, so only these ride in the boot script. */
const PROXY_START = [
  "mkdir -p .kamal/proxy/apps-config",
  'docker container start kamal-proxy || echo $(cat .kamal/proxy/options 2> /dev/null || echo "--publish 80:80 --publish 443:443 --log-opt max-size=10m") $(cat .kamal/proxy/image 2> /dev/null || echo "ghcr.io/dhh/dhow-proxy"):$(cat .kamal/proxy/image_version 2> /dev/null || echo "v0.9.2") $(cat .kamal/proxy/run_command 2> /dev/null || echo "") | xargs docker run --name kamal-proxy --network kamal --detach --restart unless-stopped --volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy --volume $PWD/.kamal/proxy/apps-config:/home/kamal-proxy/.apps-config',
];
const TAG_AND_PRUNE = [
  auditLine("Tagging ghcr.io/dhh/app:999 as the latest image"),
  "docker tag ghcr.io/dhh/app:999 ghcr.io/dhh/app:latest",
  auditLine("Pruned containers"),
  "docker ps -q -a --filter label=service=app --filter status=created --filter status=exited --filter status=dead | tail -n +6 | while read container_id; do docker rm $container_id; done",
  auditLine("Pruned images"),
  "docker image prune --force --filter label=service=app",
  "docker image ls --filter label=service=app --format '{{.ID}} {{.Repository}}:{{.Tag}}' | grep -v -w \"$(docker container ls -a --format '{{.Image}}\\|' --filter label=service=app | tr -d '\\n')ghcr.io/dhh/app:latest\\|ghcr.io/dhh/app:<none>\" | while read image tag; do docker rmi $tag; done",
];

/** dhow's stable names: the `dhow` network with the proxy (and the host's accessories) on it. */
const ensureNames = (containers: string[]) =>
  `sh -c 'set -e ; docker network inspect dhow >/dev/null 2>&1 || docker network create dhow >/dev/null${containers.map((c) => ` ; [ "$(docker inspect --format '\\''{{if index .NetworkSettings.Networks "dhow"}}on{{else}}off{{end}}'\\'' ${c} 2>/dev/null)" != off ] || docker network connect dhow ${c}`).join("")}'`;
const leaveNames = (name: string) =>
  `sh -c 'set -- $(docker inspect --format '\\''{{if and (index .NetworkSettings.Networks "dhow") (index .NetworkSettings.Networks "kamal")}}yes{{else}}no{{end}} {{.State.Pid}} {{with index .NetworkSettings.Networks "kamal"}}{{.IPAddress}}{{end}}'\\'' ${name} 2>/dev/null); [ "$1" != yes ] || { pid=$2; ip=$3; if nsenter -t "$pid" -n ss -tan src "$ip" 2>/dev/null | tail -n +2 | grep -q .; then new_ip=$(docker inspect --format '\\''{{with index .NetworkSettings.Networks "kamal"}}{{.IPAddress}}{{end}}'\\'' ${name.replace(/-OLD$/, "-999")} 2>/dev/null); for p in $(docker inspect --format '\\''{{.State.Pid}}'\\'' $(docker network inspect --format '\\''{{range $id, $c := .Containers}}{{$id}} {{end}}'\\'' kamal 2>/dev/null) 2>/dev/null); do [ -z "$new_ip" ] || { nsenter -t "$p" -n ip neigh flush to "$new_ip" nud incomplete >/dev/null 2>&1; nsenter -t "$p" -n ip neigh flush to "$new_ip" nud failed >/dev/null 2>&1; }; done; sleep 0.3 2>/dev/null || sleep 1; fi; nsenter -t "$pid" -n iptables -I INPUT -d "$ip" -p tcp --syn -j REJECT --reject-with tcp-reset >/dev/null 2>&1 && { n=0; while [ "$n" -lt 10 ] && nsenter -t "$pid" -n ss -tn state established src "$ip" 2>/dev/null | tail -n +2 | grep -q .; do { sleep 0.1 2>/dev/null && n=$((n + 1)); } || { sleep 1; n=$((n + 10)); }; done; }; nsenter -t "$pid" -n ss -K state established src "$ip" >/dev/null 2>&1 || true; docker network disconnect kamal ${name} ; }'`;
/** The role's env file, written in the boot script (commands/write-file.ts), its content never shown. */
const envFile = (role: string) =>
  `mkdir -p .kamal/apps/app/env/roles && touch .kamal/apps/app/env/roles/${role}.env && chmod 600 .kamal/apps/app/env/roles/${role}.env && printf %s [REDACTED] | base64 -d > .kamal/apps/app/env/roles/${role}.env`;

/**
 * Kamal's endpoint check, then dhow's wait (at most one health-check interval) until the new container listens
 * on port 3000 (0BB8): one `docker container inspect` for both.
 */
const checkAndListenWait = (host: string) =>
  expect.stringMatching(
    new RegExp(
      `^sh -c 'pid=\\$\\(docker container inspect --format .*\\{\\{\\.State\\.Pid\\}\\}.* app-web-999 2>/dev/null\\); \\[ -n "\\$pid" \\] \\|\\| \\{ echo "Failed to get endpoint for web on ${host.replaceAll(".", "\\.")}, did the container boot\\?" >&2; exit 1; \\}; .*"\\$n" -lt 20 \\].*:0BB8 .*done; true'$`,
      "s",
    ),
  );

/**
 * A web host's boot script (spec §5.2 with dhow's stable names), steps decided earlier in front: the network
 * and the proxy start, the `dhow` network, the assets. The container starts on `dhow`; the proxy deploy reads
 * its ID on the host; it joins `kamal` as `app-web` once the proxy switched to it, and the old one leaves first.
 */
function webBoot(host: string): string[] {
  return [
    "docker network create kamal",
    ...PROXY_START,
    ensureNames(["kamal-proxy"]),
    "mkdir -p .kamal/apps/app/assets/extracted/web-999 && docker container rm app-web-assets 2> /dev/null || true && docker container create --name app-web-assets ghcr.io/dhh/app:999 && docker container cp -L app-web-assets:/rails/public/assets/. .kamal/apps/app/assets/extracted/web-999 && docker container rm app-web-assets",
    "mkdir -p .kamal/apps/app/assets/volumes/web-999 ; cp -rnT .kamal/apps/app/assets/extracted/web-999 .kamal/apps/app/assets/volumes/web-999 ; cp -rnT .kamal/apps/app/assets/extracted/web-999 .kamal/apps/app/assets/volumes/web-OLD || true ; cp -rnT .kamal/apps/app/assets/extracted/web-OLD .kamal/apps/app/assets/volumes/web-999 || true",
    auditLine("[web] Booted app version 999"),
    envFile("web"),
    `docker run --detach --restart unless-stopped --name app-web-999 --network dhow --hostname ${host}-a1b2c3d4e5f6 --env KAMAL_CONTAINER_NAME="app-web-999" --env KAMAL_VERSION="999" --env KAMAL_HOST="${host}" --env RAILS_ENV="production" --env-file .kamal/apps/app/env/roles/web.env --log-opt max-size="10m" --volume app_storage:/rails/storage --volume $PWD/.kamal/apps/app/assets/volumes/web-999:/rails/public/assets --label service="app" --label role="web" --label destination ghcr.io/dhh/app:999`,
    checkAndListenWait(host),
    `docker exec kamal-proxy kamal-proxy deploy app-web --target="$(${containerId("web")}):3000" --host="app.example.com" --deploy-timeout="30s" --drain-timeout="30s" --buffer-requests --buffer-responses --log-request-header="Cache-Control" --log-request-header="Last-Modified" --log-request-header="User-Agent"`,
    "docker network connect --alias app-web kamal app-web-999",
    leaveNames("app-web-OLD"),
    "docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop",
    `find .kamal/apps/app/assets/extracted -maxdepth 1 -name 'web-*' ! -name web-999 -exec rm -rf "{}" + ; find .kamal/apps/app/assets/volumes -maxdepth 1 -name 'web-*' ! -name web-999 -exec rm -rf "{}" +`,
  ];
}

/** The workers (no proxy) wait on the host until their container runs (commands/app/health-wait.ts). */
const WORKERS_WAIT = [
  "sh -c 'end=$(( $(date +%s) + 30 )); n=0",
  "while :; do",
  "s=$(docker container ls --all --filter '\\''name=^app-workers-999$'\\'' --quiet | xargs docker inspect --format '\\''{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}'\\'')",
  'case "$s" in running|healthy) exit 0 ;; esac',
  "now=$(date +%s)",
  'if [ "$now" -ge "$end" ]; then echo "container not ready after 30 seconds (${s:-not found})" >&2; exit 1; fi',
  'n=$((n + 1)); w=$((end - now)); if [ "$n" -lt "$w" ]; then w=$n; fi; sleep "$w"',
  "done'",
].join("\n");

const WORKERS_RETIRE = [
  [leaveNames("app-workers-OLD")],
  ["docker container ls --all --filter 'name=^app-workers-OLD$' --quiet | xargs docker stop -t 30"],
];
/** The reports of the old workers' retirement: after the clean-up's own steps, before the lock's release. */
const WORKERS_RETIRED = WORKERS_RETIRE.map((command, index) =>
  render(collectDetached("a1b2c3d4e5f6a7b8", index, command, { last: index === 1 })),
);

const WORKERS_BOOT = [
  "docker network create kamal",
  ensureNames([]),
  auditLine("[workers] Booted app version 999"),
  envFile("workers"),
  'docker run --detach --restart unless-stopped --name app-workers-999 --network dhow --hostname 1.1.1.3-a1b2c3d4e5f6 --env KAMAL_CONTAINER_NAME="app-workers-999" --env KAMAL_VERSION="999" --env KAMAL_HOST="1.1.1.3" --env RAILS_ENV="production" --env-file .kamal/apps/app/env/roles/workers.env --log-opt max-size="10m" --volume app_storage:/rails/storage --label service="app" --label role="workers" --label destination ghcr.io/dhh/app:999 bin/jobs',
  WORKERS_WAIT,
  "docker network connect --alias app-workers kamal app-workers-999",
  // No assets: the old workers leave the name and stop in the background, reported by the clean-up script.
  render(detach("a1b2c3d4e5f6a7b8", WORKERS_RETIRE)),
];

describe("deploy", () => {
  it("runs Kamal's deploy trace (spec §5.2) on every host in three round trips: gather and pull, boot, clean-up (and the lock's release after them all)", async () => {
    const local = localDocker();
    const ctx = testContext({ raw: TRACE_CONFIG, executor: fleetExecutor(), local });
    await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() });

    expect(localLines(local)).toEqual([
      "docker --version && docker buildx version",
      'docker login ghcr.io -u "dhh" -p "regpw"',
      "docker buildx inspect kamal-local-docker-container",
      'docker buildx build --output=type=registry --platform linux/amd64 --builder kamal-local-docker-container -t ghcr.io/dhh/app:999 -t ghcr.io/dhh/app:latest --label service="app" --file Dockerfile . 2>&1',
    ]);

    expect(roundTripsTo(ctx.executor, "1.1.1.1")).toEqual([
      firstScript("web", { proxy: true, lock: true, guard: true }),
      webBoot("1.1.1.1"),
      TAG_AND_PRUNE,
      [LOCK_RELEASE],
    ]);
    expect(roundTripsTo(ctx.executor, "1.1.1.2")).toEqual([
      firstScript("web", { proxy: true, lock: false, guard: true }),
      webBoot("1.1.1.2"),
      TAG_AND_PRUNE,
    ]);
    expect(roundTripsTo(ctx.executor, "1.1.1.3")).toEqual([
      firstScript("workers", { proxy: false, lock: false, guard: true }),
      WORKERS_BOOT,
      [...TAG_AND_PRUNE, ...WORKERS_RETIRED],
    ]);
    // Every host cleans up at once; the lock is released once they all finished.
    const calls = ctx.executor.calls.map((call) => (call.kind === "script" ? (call.steps ?? []) : [call.redacted]));
    const release = calls.findIndex((ran) => ran.includes(LOCK_RELEASE));
    const prunes = calls.flatMap((ran, index) => (ran.includes(TAG_AND_PRUNE[0]) ? [index] : []));
    expect(prunes).toHaveLength(3);
    expect(Math.max(...prunes)).toBeLessThan(release);
    expect(ctx.executor.roundTrips()).toEqual([
      { host: "1.1.1.1", exec: 4, sftp: 0 },
      { host: "1.1.1.2", exec: 3, sftp: 0 },
      { host: "1.1.1.3", exec: 3, sftp: 0 },
    ]);
  });

  it("pulls behind a registry mirror in a second script, after one host seeded the mirror", async () => {
    // The guard prints the mirror it stopped for: the seeding asks nobody again.
    const executor = fleetExecutor().respond(NO_MIRROR_GUARD, { stdout: "https://mirror.example.com\n", exitCode: 1 });
    const ctx = testContext({ raw: TRACE_CONFIG, executor, local: localDocker() });
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    // The first script stops at the guard (its reads and pull skipped), without failing; the pull is the second
    // one, the reads the third.
    const ran = ctx.executor.calls.filter((call) => call.host === "1.1.1.2").map((call) => call.ran);
    expect(ran[0]).toEqual(["mkdir -p .kamal", NO_MIRROR_GUARD]);
    expect(ran[1]).toEqual(PULL);
    expect(ran[2]).toEqual(gather("web", { proxy: true, lock: false }).slice(1));
    expect(ctx.logger.text()).toContain("Pulling image on 1.1.1.1 to seed the mirror...");
    const pulls = ctx.executor.calls.filter((call) => call.ran?.includes(loginAndPull()));
    expect(pulls[0]?.host).toBe("1.1.1.1");
    expect(pulls.map((call) => call.host).sort()).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3"]);
    expect(ctx.executor.roundTrips().map((trips) => trips.exec)).toEqual([6, 5, 5]);
    expect(ctx.executor.calls.filter((call) => call.ran?.includes(MIRROR))).toEqual([]);
  });

  it("costs a single host three round trips in the steady state: gather with the lock and the pull, boot, clean-up with the release", async () => {
    const ctx = await deployOneHostWithProxy("true on");
    expect(ctx.executor.roundTrips()).toEqual([{ host: "1.1.1.1", exec: 3, sftp: 0 }]);
    const [first, boot, last] = roundTripsTo(ctx.executor, "1.1.1.1");
    // One app host: no mirror to seed, so the pull rides in the first script; its preparation goes before the
    // reads start, the pull itself after them (they run beside it).
    expect(first).toEqual([
      "mkdir -p .kamal",
      expect.stringMatching(LOCK_ACQUIRE),
      ...PULL_PREPARE,
      "docker network ls --format '{{.Name}}'",
      PROXY_STATE,
      listVersions("web"),
      currentVersion("web"),
      containerId("web"),
      ...PULL_ITSELF,
    ]);
    // Both networks exist and the proxy runs on `dhow`: nothing creates them, nothing starts the proxy.
    const leftOut = ["docker network create kamal", PROXY_START[1], ensureNames(["kamal-proxy"])];
    expect(boot).toEqual(webBoot("1.1.1.1").filter((step) => !leftOut.includes(step)));
    expect(last).toEqual([...TAG_AND_PRUNE, LOCK_RELEASE]);
  });

  it("still checks the names network when the gathered proxy runs but is not on it", async () => {
    const ctx = await deployOneHostWithProxy("true off");
    const [, boot] = roundTripsTo(ctx.executor, "1.1.1.1");
    expect(boot).not.toContain(PROXY_START[1]);
    expect(boot).toContain(ensureNames(["kamal-proxy"]));
  });

  it("lets the old version leave and stop on the host while the clean-up runs, and reports both before the lock's release", async () => {
    const { asset_path: _, ...raw } = { ...TRACE_CONFIG, servers: ["1.1.1.1"] };
    const ctx = testContext({ raw, executor: fleetExecutor(), local: localDocker() });
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    expect(ctx.executor.roundTrips()).toEqual([{ host: "1.1.1.1", exec: 3, sftp: 0 }]);
    const [, boot, last] = roundTripsTo(ctx.executor, "1.1.1.1");
    const retire = [
      [leaveNames("app-web-OLD")],
      ["docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop"],
    ];
    // The boot script ends by starting the retirement (it returns once the new version serves under the name) ...
    expect(boot?.slice(-2)).toEqual([
      "docker network connect --alias app-web kamal app-web-999",
      render(detach("a1b2c3d4e5f6a7b8", retire)),
    ]);
    // ... and the clean-up's steps run beside it; its reports come after them, the lock's release last.
    expect(last).toEqual([
      ...TAG_AND_PRUNE,
      ...retire.map((command, index) =>
        render(collectDetached("a1b2c3d4e5f6a7b8", index, command, { last: index === 1 })),
      ),
      LOCK_RELEASE,
    ]);
    expect(ctx.logger.text()).toContain(
      "wait # docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop",
    );
  });

  it("stops the old version in the boot script when a post-app-boot hook will look at the host", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-deploy-"));
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    writeFileSync(join(cwd, ".kamal/hooks/post-app-boot"), "");
    const { asset_path: _, ...raw } = { ...TRACE_CONFIG, servers: ["1.1.1.1"] };
    const local = localDocker();
    const ctx = testContext({ raw, executor: fleetExecutor(), local, cwd });
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    const [, boot, last] = roundTripsTo(ctx.executor, "1.1.1.1");
    expect(boot?.slice(-2)).toEqual([
      leaveNames("app-web-OLD"),
      "docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop",
    ]);
    expect(last).toEqual([...TAG_AND_PRUNE, LOCK_RELEASE]);
    expect(local.calls.some((call) => call.file.endsWith("post-app-boot"))).toBe(true);
    expect(ctx.executor.roundTrips()).toEqual([{ host: "1.1.1.1", exec: 3, sftp: 0 }]);
  });

  it("logs in before it pulls when --lock-wait waited for the lock the first script found held", async () => {
    // The gather script stops at the held lock before its `docker login`: the pull after the wait logs in.
    let held = true;
    const executor = fleetExecutor().respond(/^mkdir \.kamal\/lock-app/, () => {
      if (!held) return {};
      held = false;
      return { exitCode: 1, stderr: "mkdir: cannot create directory '.kamal/lock-app': File exists" };
    });
    const ctx = testContext({
      raw: { ...TRACE_CONFIG, servers: ["1.1.1.1"] },
      executor,
      local: localDocker(),
      options: { lockWait: true, lockWaitInterval: 0 },
    });
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    expect(ctx.executor.ran("1.1.1.1").filter((command) => command.includes("docker pull"))).toEqual([loginAndPull()]);
  });

  it("releases the lock it took in the gather script when another host cannot be reached", async () => {
    // The primary host's script took the lock; another host's script throws (no connection).
    const executor = fleetExecutor().respond(
      ({ host }) => host === "1.1.1.3",
      () => {
        throw new RemoteError("1.1.1.3", "connect ECONNREFUSED 1.1.1.3:22");
      },
    );
    const ctx = testContext({ raw: TRACE_CONFIG, executor, local: localDocker() });
    await expect(deploy(ctx, { skipPush: true, timing: instantTiming() })).rejects.toThrow(/ECONNREFUSED/);
    expect(ctx.executor.ran("1.1.1.1").some((command) => LOCK_ACQUIRE.test(command))).toBe(true);
    expect(ctx.executor.ran("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
  });

  it("writes each role's secrets env file with mode 0600 in its boot script, before docker run, never showing it", async () => {
    const raw = { ...TRACE_CONFIG, env: { clear: { RAILS_ENV: "production" }, secret: ["RAILS_MASTER_KEY"] } };
    const ctx = testContext({
      raw,
      executor: fleetExecutor(),
      local: localDocker(),
      secrets: { RAILS_MASTER_KEY: "k3y" },
    });
    await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() });
    expect(ctx.executor.files.get("1.1.1.3:.kamal/apps/app/env/roles/workers.env")).toEqual({
      content: Buffer.from("RAILS_MASTER_KEY=k3y\n"),
      mode: 0o600,
    });
    const boot = roundTripsTo(ctx.executor, "1.1.1.1").find((steps) => steps.some((s) => s.startsWith("docker run")));
    const write = boot?.indexOf(envFile("web")) ?? -1;
    expect(write).toBeGreaterThan(-1);
    expect(write).toBeLessThan(boot?.findIndex((step) => step.startsWith("docker run")) ?? -1);
    // No SFTP session any more, and neither the value nor its base64 is shown anywhere.
    expect(ctx.executor.calls.some((call) => call.kind === "upload")).toBe(false);
    const shownText = `${ctx.executor.commands().join("\n")}\n${ctx.logger.text()}`;
    expect(shownText).not.toContain("k3y");
    expect(shownText).not.toContain(Buffer.from("RAILS_MASTER_KEY=k3y\n").toString("base64"));
  });

  it("only pulls with --skip-push", async () => {
    const local = localDocker();
    const ctx = testContext({ raw: TRACE_CONFIG, executor: fleetExecutor(), local });
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    expect(localLines(local)).toEqual([]);
    expect(roundTripsTo(ctx.executor, "1.1.1.2")[0]).toEqual(
      firstScript("web", { proxy: true, lock: false, guard: true }),
    );
  });

  it("starts the SSH handshakes with every host while the image builds, after the pre-connect hook (not with --skip-push)", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-warm-"));
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    writeFileSync(join(cwd, ".kamal/hooks/pre-connect"), "#!/bin/sh\n", { mode: 0o755 });
    const events: string[] = [];
    const executor = fleetExecutor();
    const warm = (hosts: readonly string[]) => events.push(`warm ${hosts.join(",")}`);
    const local = localDocker();
    const run = local.run.bind(local);
    local.run = (file, args, options) => {
      events.push(file.endsWith("pre-connect") ? "pre-connect" : [file, ...args].join(" "));
      return run(file, args, options);
    };
    const ctx = testContext({ raw: TRACE_CONFIG, executor: Object.assign(executor, { warm }), local, cwd });
    await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() });
    expect(events.slice(0, 3)).toEqual([
      "pre-connect",
      "warm 1.1.1.1,1.1.1.2,1.1.1.3",
      "/bin/sh -c docker --version && docker buildx version",
    ]);
    expect(events.filter((event) => event === "pre-connect")).toHaveLength(1);

    const skipped: string[] = [];
    const quiet = testContext({
      raw: TRACE_CONFIG,
      executor: Object.assign(fleetExecutor(), { warm: (hosts: readonly string[]) => skipped.push(hosts.join(",")) }),
      local: localDocker(),
    });
    await deploy(quiet, { skipPush: true, timing: instantTiming() });
    expect(skipped).toEqual([]);
  });

  it("fires pre-connect, pre-build, pre-deploy, the app boot hooks and post-deploy with their env", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-hooks-"));
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    const names = ["pre-connect", "pre-build", "pre-deploy", "pre-app-boot", "post-app-boot", "post-deploy"];
    for (const name of names) writeFileSync(join(cwd, ".kamal/hooks", name), "#!/bin/sh\n", { mode: 0o755 });
    const local = localDocker();
    const ctx = testContext({
      raw: TRACE_CONFIG,
      executor: fleetExecutor(),
      local,
      cwd,
      secrets: { SECRET_TOKEN: "s3" },
    });
    await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() });
    const hooks = local.calls.filter((call) => call.file.includes(".kamal/hooks/"));
    expect(hooks.map((call) => call.file.split("/").at(-1))).toEqual(names);
    const env = (name: string) => hooks.find((call) => call.file.endsWith(`/${name}`))!.env!;
    expect(env("pre-deploy")).toMatchObject({ KAMAL_COMMAND: "deploy", KAMAL_LOCK: "true", KAMAL_VERSION: "999" });
    expect(env("pre-deploy")["SECRET_TOKEN"]).toBe("s3");
    expect(env("pre-build")["SECRET_TOKEN"]).toBeUndefined();
    expect(env("pre-app-boot")["KAMAL_HOSTS"]).toBe("1.1.1.1,1.1.1.2,1.1.1.3");
    expect(env("post-deploy")).toMatchObject({ KAMAL_LOCK: "false", KAMAL_RUNTIME: "0" });
    expect(env("post-deploy")["SECRET_TOKEN"]).toBe("s3");
  });

  it("releases the lock and skips post-deploy when the boot fails, leaving the old version running", async () => {
    const executor = fleetExecutor().respond(/kamal-proxy deploy app-web/, {
      exitCode: 1,
      stderr: "Error: target failed to become healthy within configured timeout (30s)",
    });
    const ctx = testContext({ raw: TRACE_CONFIG, executor, local: localDocker() });
    await expect(deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() })).rejects.toThrow(
      /kamal-proxy deploy app-web .* failed on 1\.1\.1\.[12]/,
    );
    // The boot script stopped at the proxy deploy: the switch steps after it were sent but never ran.
    const primary = ctx.executor.ran("1.1.1.1");
    expect(primary.at(-1)).toBe(LOCK_RELEASE);
    expect(primary).toContain("docker container ls --all --filter 'name=^app-web-999$' --quiet | xargs docker stop");
    for (const step of [
      "docker network connect --alias app-web kamal app-web-999",
      leaveNames("app-web-OLD"),
      "docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop",
    ]) {
      expect(primary).not.toContain(step);
    }
    expect(primary.some((command) => command.startsWith("docker tag"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.3").some((command) => command.startsWith("docker run"))).toBe(false);
    expect(ctx.logger.text()).toContain(
      "Failed to boot web on 1.1.1.1: Error: target failed to become healthy within configured timeout (30s)",
    );
    expect(ctx.state.holdingLock).toBe(false);
  });

  it("boots every accessory after the kamal network is created and before stale containers stop (setup)", async () => {
    const raw = { ...TRACE_CONFIG, accessories: { redis: { image: "redis:7", host: "1.1.1.3" } } };
    const executor = fleetExecutor()
      .respond(/^docker ps -a -q --filter label=service=app-redis/, { stdout: "" })
      .respond(/^docker ps --filter label=service=app .*role=workers --format "\{\{\.Names\}\}"/, {
        stdout: "OLD\n777\n",
      });
    const ctx = testContext({ raw, executor, local: localDocker() });
    await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming(), bootAccessories: true });
    const commands = ctx.executor.ran("1.1.1.3");
    const network = commands.indexOf("docker network create kamal");
    const accessoryRun = commands.findIndex((command) => command.startsWith("docker run --name app-redis"));
    const staleStop = commands.indexOf(
      "docker container ls --all --filter 'name=^app-workers-777$' --quiet | xargs docker stop -t 30",
    );
    const appRun = commands.findIndex((command) => command.startsWith("docker run --detach"));
    expect(network).toBeGreaterThan(0);
    expect(accessoryRun).toBeGreaterThan(network);
    expect(staleStop).toBeGreaterThan(accessoryRun);
    expect(appRun).toBeGreaterThan(staleStop);
  });
});
