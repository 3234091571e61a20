/**
 * Kamal's command strings for builders the golden fixtures do not pin, from Kamal 2.12's
 * test/commands/*_test.rb expectations.
 */
import { describe, expect, it } from "vitest";
import { createConfig } from "../config/config.js";
import type { RawConfig } from "../config/raw-config.js";
import { staticSecrets } from "../secrets/secrets.js";
import * as accessory from "./accessory.js";
import * as app from "./app.js";
import * as auditor from "./auditor.js";
import { type Command, redact, render } from "./command.js";
import * as docker from "./docker.js";
import type { Facts } from "./facts.js";
import * as hook from "./hook.js";
import * as lock from "./lock.js";
import * as proxy from "./proxy.js";
import * as prune from "./prune.js";
import * as registry from "./registry.js";
import * as server from "./server.js";

const facts: Facts = {
  now: () => new Date("2025-01-15T10:30:00Z"),
  randomHex: (bytes) => "ab".repeat(bytes),
  stdinIsTty: () => false,
  performer: () => "deployer@example.com",
  gitUserName: () => undefined,
};

const APP: RawConfig = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  servers: { web: ["1.1.1.1"], workers: ["1.1.1.2"] },
  env: { secret: ["RAILS_MASTER_KEY"] },
  builder: { arch: "amd64" },
};

function config(raw: Partial<RawConfig> = {}, destination?: string, secrets: Record<string, string> = {}) {
  return createConfig({ ...APP, ...raw } as RawConfig, {
    destination,
    version: "999",
    secrets: staticSecrets(secrets),
  });
}

function appTarget(raw: Partial<RawConfig> = {}, role = "web", destination?: string): app.AppTarget {
  const resolved = config(raw, destination);
  const found = resolved.role(role);
  if (!found) throw new Error(`no role ${role}`);
  return { config: resolved, role: found, host: role === "web" ? "1.1.1.1" : "1.1.1.2" };
}

const text = (command: Command | string) => (typeof command === "string" ? command : render(command));
const CURRENT =
  "sh -c 'docker ps --latest --quiet --filter label=service=app --filter label=destination= --filter label=role=web --filter status=running --filter status=restarting --filter ancestor=$(docker image ls --filter reference=dhh/app:latest --format '\\''{{.ID}}'\\'') ; docker ps --latest --quiet --filter label=service=app --filter label=destination= --filter label=role=web --filter status=running --filter status=restarting' | head -1";

describe("app commands", () => {
  it("run with volumes", () => {
    expect(text(app.run(appTarget({ volumes: ["/local/path:/container/path"] })))).toBe(
      'docker run --detach --restart unless-stopped --name app-web-999 --network kamal --env KAMAL_CONTAINER_NAME="app-web-999" --env KAMAL_VERSION="999" --env KAMAL_HOST="1.1.1.1" --env-file .kamal/apps/app/env/roles/web.env --log-opt max-size="10m" --volume /local/path:/container/path --label service="app" --label role="web" --label destination dhh/app:999',
    );
  });

  it("run with an asset path mounts the version's asset volume", () => {
    expect(text(app.run(appTarget({ asset_path: "/public/assets:ro" })))).toContain(
      "--volume $PWD/.kamal/apps/app/assets/volumes/web-999:/public/assets:ro --label",
    );
  });

  it("stop, remove, logs, versions, images", () => {
    const target = appTarget();
    expect(text(app.stop(target))).toBe(`${CURRENT} | xargs docker stop`);
    expect(text(app.remove(target))).toBe("docker exec kamal-proxy kamal-proxy remove app-web");
    expect(text(app.logs(target, { lines: "100" }))).toBe(
      `${CURRENT} | xargs docker logs --timestamps --tail 100 2>&1`,
    );
    expect(text(app.logs(target, { since: "5m", grep: "my-id", grepOptions: "-C 2" }))).toBe(
      `${CURRENT} | xargs docker logs --timestamps --since 5m 2>&1 | grep 'my-id' -C 2`,
    );
    expect(text(app.followLogs(target, { host: "app-1", containerId: "ID321" }))).toBe(
      "ssh -t root@app-1 -p 22 'sh -c '\\''echo ID321'\\'' | xargs docker logs --timestamps --follow 2>&1'",
    );
    expect(text(app.listVersions(target, ["--latest"], { statuses: ["running", "restarting"] }))).toBe(
      'docker ps --filter label=service=app --filter label=destination= --filter label=role=web --filter status=running --filter status=restarting --latest --format "{{.Names}}" | while read line; do echo ${line#app-web-}; done',
    );
    expect(text(app.listImages(target))).toBe("docker image ls dhh/app");
    expect(text(app.tagLatestImage(appTarget({}, "web", "staging")))).toBe(
      "docker tag dhh/app:999 dhh/app:latest-staging",
    );
    expect(text(app.currentRunningContainerId(appTarget({}, "web", "staging")))).toContain(
      "reference=dhh/app:latest-staging",
    );
    expect(text(app.removeProxyAppDirectory(target))).toBe("rm -r .kamal/proxy/apps-config/app");
    expect(text(app.renameContainer(target, { version: "999", newVersion: "999_replaced_abc" }))).toBe(
      "docker rename app-web-999 app-web-999_replaced_abc",
    );
    expect(text(app.status(target, { version: "123" }))).toBe(
      "docker container ls --all --filter 'name=^app-web-123$' --quiet | xargs docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}'",
    );
  });

  it("exec with env, interactive from the tty fact", () => {
    const target = appTarget();
    expect(
      text(app.executeInExistingContainer(target, ["bin/rails", "db:setup"], { env: { foo: "bar" }, facts })),
    ).toBe('docker exec --env foo="bar" app-web-999 bin/rails db:setup');
    expect(app.executeInExistingContainerOverSsh(target, ["bin/rails", "c"], { facts })).toBe(
      "ssh -t root@1.1.1.1 -p 22 'docker exec -i app-web-999 bin/rails c'",
    );
  });

  it("run over ssh with port, several config files, keys", () => {
    const target = (ssh: RawConfig["ssh"]) => appTarget({ ssh });
    expect(text(app.executeInExistingContainerOverSsh(target({ port: "2222" }), ["ls"], { facts }))).toContain(
      "-t root@1.1.1.1 -p 2222 ",
    );
    expect(text(app.followLogs(target({ config: ["~/.ssh/config1", "~/.ssh/config2"] }), { host: "h" }))).toMatch(
      /^ssh -F ~\/\.ssh\/config1 -F ~\/\.ssh\/config2 -t root@h -p 22 /,
    );
    expect(text(app.followLogs(target({ keys: ["path_to_key.pem"] }), { host: "h" }))).toMatch(
      /^ssh -i path_to_key\.pem -t root@h /,
    );
  });

  it("asset clean-up and error pages", () => {
    const target = appTarget({ asset_path: "/public/assets", error_pages_path: "public" });
    expect(text(app.cleanUpAssets(target))).toBe(
      "find .kamal/apps/app/assets/extracted -maxdepth 1 -name 'web-*' ! -name web-999 -exec rm -rf \"{}\" + ; find .kamal/apps/app/assets/volumes -maxdepth 1 -name 'web-*' ! -name web-999 -exec rm -rf \"{}\" +",
    );
    expect(text(app.createErrorPagesDirectory(target))).toBe("mkdir -p .kamal/proxy/apps-config/app/error_pages");
    expect(text(app.cleanUpErrorPages(target))).toBe(
      "find .kamal/proxy/apps-config/app/error_pages -mindepth 1 -maxdepth 1 ! -name 999 -exec rm -rf {} +",
    );
    expect(text(app.deploy(target, { target: "cid" }))).toContain(
      '--error-pages="/home/kamal-proxy/.apps-config/app/error_pages/999"',
    );
  });
});

describe("accessory commands", () => {
  const raw: Partial<RawConfig> = {
    registry: { server: "private.registry", username: "dhh", password: "secret" },
    accessories: {
      mysql: {
        image: "private.registry/mysql:8.0",
        host: "1.1.1.5",
        port: "3306",
        env: { clear: { MYSQL_ROOT_HOST: "%" } },
      },
      busybox: { service: "custom-busybox", image: "busybox:latest", host: "1.1.1.7" },
    },
  };
  const target = (name: string, extra: Partial<RawConfig> = {}) => {
    const resolved = config({ ...raw, ...extra });
    const found = resolved.accessory(name);
    if (!found) throw new Error(name);
    return { config: resolved, accessory: found };
  };

  it("run with root logging, KAMAL_HOST, stop, pull, info", () => {
    expect(
      text(accessory.run(target("busybox", { logging: { driver: "local", options: { "max-size": "100m" } } }))),
    ).toBe(
      'docker run --name custom-busybox --detach --restart unless-stopped --network kamal --log-driver "local" --log-opt max-size="100m" --env-file .kamal/apps/app/env/accessories/busybox.env --label service="custom-busybox" busybox:latest',
    );
    expect(text(accessory.run(target("mysql"), { host: "1.1.1.5" }))).toContain(
      '--publish 3306:3306 --env KAMAL_HOST="1.1.1.5" --env MYSQL_ROOT_HOST="%"',
    );
    expect(text(accessory.stop(target("mysql")))).toBe("docker container stop app-mysql");
    expect(text(accessory.pullImage(target("mysql")))).toBe("docker image pull private.registry/mysql:8.0");
    expect(text(accessory.info(target("mysql"), { all: true, quiet: true }))).toBe(
      "docker ps -a -q --filter label=service=app-mysql",
    );
    expect(text(accessory.removeServiceDirectory(target("mysql")))).toBe("rm -rf app-mysql");
  });

  // Kamal writes `" --since #{since}" if since`: an empty string is still a value (Ruby truthiness).
  it("logs passes an empty since or grep on, as Kamal's `if since` does", () => {
    expect(text(app.logs(appTarget(), { since: "", grep: "" }))).toBe(
      `${CURRENT} | xargs docker logs --timestamps --since  2>&1 | grep ''`,
    );
  });

  it("logs without timestamps; piped exec over ssh", () => {
    expect(
      text(
        accessory.logs(target("mysql"), {
          timestamps: false,
          since: "5m",
          lines: 100,
          grep: "thing",
          grepOptions: "-C 2",
        }),
      ),
    ).toBe("docker logs app-mysql  --since 5m  --tail 100 2>&1 | grep 'thing' -C 2");
    expect(accessory.executeInExistingContainerOverSsh(target("mysql"), ["mysql", "-u", "root"], facts)).toBe(
      "ssh -t root@1.1.1.5 -p 22 'docker exec -i app-mysql mysql -u root'",
    );
  });
});

describe("proxy commands", () => {
  const target = (raw: Partial<RawConfig> = {}) => ({
    config: config({ servers: ["1.1.1.1"], ...raw }),
    host: "1.1.1.1",
  });

  it("container and boot-file commands", () => {
    expect(text(proxy.stop(target()))).toBe("docker container stop kamal-proxy");
    expect(text(proxy.logs(target(), { lines: 10 }))).toBe("docker logs kamal-proxy --tail 10 --timestamps 2>&1");
    expect(text(proxy.logs(target(), { since: "" }))).toBe("docker logs kamal-proxy --since  --timestamps 2>&1");
    expect(text(proxy.removeImage(target()))).toBe(
      "docker image prune --all --force --filter label=org.opencontainers.image.title=kamal-proxy",
    );
    expect(text(proxy.ensureProxyDirectory(target()))).toBe("mkdir -p .kamal/proxy");
    expect(text(proxy.ensureAppsConfigDirectory(target()))).toBe("mkdir -p .kamal/proxy/apps-config");
    expect(text(proxy.readRunCommand(target()))).toBe('cat .kamal/proxy/run_command 2> /dev/null || echo ""');
    expect(text(proxy.startOrRun(target()))).toMatch(/^docker container start kamal-proxy \|\| echo \$\(cat /);
  });

  it("state: image, running and names-network membership in one docker inspect, parsed", () => {
    expect(text(proxy.state(target()))).toBe(
      `docker inspect kamal-proxy --format '{{.Config.Image}} {{.State.Running}} {{if index .NetworkSettings.Networks "dhow"}}on{{else}}off{{end}}'`,
    );
    expect(proxy.parseState({ stdout: "localhost:5000/dhh/dhow-proxy:v0.9.2 true on\n", exitCode: 0 })).toEqual({
      version: "v0.9.2",
      running: true,
      onNamesNetwork: true,
    });
    expect(proxy.parseState({ stdout: "basecamp/kamal-proxy:v0.9.0 false off", exitCode: 0 })).toEqual({
      version: "v0.9.0",
      running: false,
      onNamesNetwork: false,
    });
    // No container: docker inspect fails; anything else is not state's answer.
    expect(proxy.parseState({ stdout: "", exitCode: 1 })).toBeUndefined();
    expect(proxy.parseState({ stdout: "v0.9.2\n", exitCode: 0 })).toBeUndefined();
  });

  it("run from proxy.run: version, metrics port, options", () => {
    const prefix =
      "docker run --name kamal-proxy --network kamal --detach --restart unless-stopped --volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy --volume $PWD/.kamal/proxy/apps-config:/home/kamal-proxy/.apps-config --publish 80:80 --publish 443:443 --log-opt max-size=10m";
    expect(text(proxy.run(target({ proxy: { run: { version: "v1.2.3" } } })))).toBe(
      `${prefix} basecamp/kamal-proxy:v1.2.3 kamal-proxy run`,
    );
    // A proxy.run that names no registry, repository or version runs dhow's own proxy image.
    expect(text(proxy.run(target({ proxy: { run: { metrics_port: 9090 } } })))).toBe(
      `${prefix} --expose=9090 dhh/dhow-proxy:v0.9.2 kamal-proxy run --metrics-port "9090"`,
    );
    expect(text(proxy.run(target({ proxy: { run: { options: { memory: "512m" } } } })))).toBe(
      `${prefix} --memory "512m" dhh/dhow-proxy:v0.9.2 kamal-proxy run`,
    );
  });
});

describe("other groups", () => {
  it("docker", () => {
    expect(text(docker.superuser())).toBe('[ "${EUID:-$(id -u)}" -eq 0 ] || sudo -nl usermod >/dev/null');
    expect(text(docker.refreshSession())).toBe("kill -HUP $PPID");
    expect(text(docker.createNetwork())).toBe("docker network create kamal");
  });

  it("prune keeps the newest N", () => {
    expect(text(prune.appContainers(config(), { retain: 3 }))).toBe(
      "docker ps -q -a --filter label=service=app --filter status=created --filter status=exited --filter status=dead | tail -n +4 | while read container_id; do docker rm $container_id; done",
    );
  });

  it("registry logout of an accessory registry, redacted login", () => {
    const resolved = config({
      accessories: {
        db: { image: "mysql", host: "1.1.1.1", registry: { server: "other.hub", username: "user", password: "pw" } },
      },
    });
    const registryConfig = resolved.accessory("db")?.registry;
    expect(text(registry.logout(resolved, registryConfig ? { registryConfig } : {}))).toBe("docker logout other.hub");
    expect(redact(registry.login(resolved))).toBe("docker login -u [REDACTED] -p [REDACTED]");
  });

  it("auditor with line details; reveal", () => {
    expect(text(auditor.record(config(), "app removed container", { lineDetails: { detail: "value" }, facts }))).toBe(
      'mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] [value] app removed container" >> .kamal/app-audit.log',
    );
    expect(text(auditor.reveal(config({}, "staging")))).toBe("tail -n 50 .kamal/app-staging-audit.log");
  });

  it("hook env with secrets and details", () => {
    expect(
      hook.env(config({}, undefined, { DB_PASSWORD: "secret" }), {
        secrets: true,
        details: { hosts: "1.1.1.1,1.1.1.2" },
        facts,
      }),
    ).toEqual({
      KAMAL_RECORDED_AT: "2025-01-15T10:30:00Z",
      KAMAL_PERFORMER: "deployer@example.com",
      KAMAL_VERSION: "999",
      KAMAL_SERVICE_VERSION: "app@999",
      KAMAL_SERVICE: "app",
      KAMAL_HOSTS: "1.1.1.1,1.1.1.2",
      DB_PASSWORD: "secret",
    });
  });

  it("lock details fall back to Unknown without git", () => {
    expect(lock.lockDetails("Hi", "v1", facts)).toBe(
      "Locked by: Unknown at 2025-01-15T10:30:00Z\nVersion: v1\nMessage: Hi",
    );
    const full = Buffer.from("x".repeat(50)).toString("base64");
    expect(lock.encode64("x".repeat(50))).toBe(`${full.slice(0, 60)}\n${full.slice(60)}\n`);
  });

  it("server directories", () => {
    expect(text(server.removeAppDirectory(config()))).toBe("rm -r .kamal/apps/app");
    expect(text(server.appDirectoryCount(config()))).toBe("ls .kamal/apps | wc -l");
  });
});
