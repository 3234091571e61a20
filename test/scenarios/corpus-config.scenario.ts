/**
 * A real Kamal 2 config from the shared corpus deploys with dhow (issue 4, "Done when"): chrhansen/shred-day's
 * config/deploy.yml (Rails: web behind the proxy with ssl and a host, a `job` role with `cmd: bin/jobs`,
 * asset_path, a postgres accessory with its own service name, env clear/secret, aliases, builder context and
 * dockerfile). Only what points at the world is changed: the hosts become sandbox servers, the registry the
 * sandbox registry, the accessory image a local stand-in, and ssh gets the sandbox key. The app behind it is
 * a small stand-in with the same layout (/rails, bin/jobs, server/Dockerfile, server/public).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { check, eventually, expectEqual, expectMatch } from "./lib/assert.js";
import { expectRunningVersion, runningNames } from "./lib/checks.js";
import { exec } from "./lib/exec.js";
import { request } from "./lib/http.js";
import { APPS_DIR, CORPUS_DIR } from "./lib/paths.js";
import type { Scenario } from "./lib/scenario.js";

/** The corpus file (MANIFEST: chrhansen/shred-day, config/deploy.yml). */
export const CORPUS_FILE = "041__chrhansen__shred-day__deploy.yml";
/** Where its accessory keeps data on the host (an absolute bind mount in the original). */
const DB_VOLUME_DIR = "/mnt/postgres_data";

const scenario: Scenario = {
  name: "corpus-config",
  description: `a real corpus config (${CORPUS_FILE}) pointed at the sandbox deploys unchanged otherwise`,
  hosts: 1,
  skip: () => (existsSync(join(CORPUS_DIR, CORPUS_FILE)) ? undefined : `${join(CORPUS_DIR, CORPUS_FILE)} not found`),
  async run(t) {
    const [vm1] = t.hosts as [string];
    const env = t.sandbox.env;
    const postgres = `${env.registry}/corpus/postgres:17`;
    const original = readFileSync(join(CORPUS_DIR, CORPUS_FILE), "utf8");
    const hadDbDir = existsSync(DB_VOLUME_DIR);

    await t.step("build the postgres stand-in image", async () => {
      const dockerEnv = { ...process.env, DOCKER_HOST: env.dockerHost, DOCKER_BUILDKIT: "0" };
      const context = join(APPS_DIR, "_postgres_stub");
      const build = await exec(
        "docker",
        ["build", "-q", "--build-arg", `BASE_IMAGE=${env.nodeImage}`, "-t", postgres, context],
        { env: dockerEnv },
      );
      check(build.code === 0, `docker build of the postgres stand-in failed: ${build.stderr}`);
      const push = await exec("docker", ["push", "-q", postgres], { env: dockerEnv });
      check(push.code === 0, `docker push ${postgres} failed: ${push.stderr}`);
    });

    const app = await t.app("corpus_shred_day", { withSite: false });
    const config = pointAtSandbox(original, {
      hosts: t.hosts,
      registry: env.registry,
      sshKey: env.sshKey,
      images: { "postgres:17": postgres },
    });
    t.log(`config/deploy.yml as deployed:\n${config}`);
    const version = await app.commit("Corpus config pointed at the sandbox", {
      "config/deploy.yml": config,
      "server/Dockerfile": app.readFile("server/Dockerfile.in").replace("@NODE_IMAGE@", env.nodeImage),
      ".kamal/secrets":
        "KAMAL_REGISTRY_PASSWORD=sandbox\nRAILS_MASTER_KEY=0123456789abcdef\nPOSTGRES_PASSWORD=corpus-secret\n",
    });

    try {
      await t.step("dhow setup", () => app.dhow(["setup"]));

      await t.step("roles and the accessory run as configured", async () => {
        await expectRunningVersion(t.sandbox, [vm1], { service: "shred-day", role: "web", version });
        await expectRunningVersion(t.sandbox, [vm1], { service: "shred-day", role: "job", version });
        expectEqual(
          await runningNames(t.sandbox, vm1, "server-db"),
          ["server-db"],
          "the db accessory (service: server-db)",
        );
        const cmd = await t.sandbox.ssh(vm1, `docker inspect --format '{{json .Config.Cmd}}' shred-day-job-${version}`);
        expectEqual(JSON.parse(cmd), ["bin/jobs"], "the job role's command");
        const ports = await t.sandbox.ssh(vm1, "docker port server-db");
        expectMatch(ports, "5432/tcp -> 127.0.0.1:5432", "the accessory's published port (port: 127.0.0.1:5432:5432)");
      });

      await t.step("the proxy routes shred.day and redirects to HTTPS (ssl: true)", async () => {
        const res = await request(vm1, "/up", { host: "shred.day" });
        check(
          [301, 302, 307, 308].includes(res.status),
          `GET http://shred.day/up answered ${res.status}, expected a redirect`,
        );
        expectMatch(String(res.headers.location ?? ""), "https://shred.day/up", "redirect Location");
      });

      await t.step("web and job reach the database by its name (DB_HOST: server-db)", async () => {
        const db = await t.sandbox.ssh(vm1, `docker exec shred-day-web-${version} wget -qO- http://localhost/db`);
        expectMatch(
          db,
          "db ok: postgres-stub user=rails db=shred_day_production password=set",
          "GET /db in the web container",
        );
        const home = await t.sandbox.ssh(vm1, `docker exec shred-day-web-${version} wget -qO- http://localhost/`);
        expectMatch(home, "master-key=set", "RAILS_MASTER_KEY (secret env) in the web container");
        await eventually("the job role logs a database answer", async () => {
          const logs = await t.sandbox.ssh(vm1, `docker logs shred-day-job-${version} 2>&1`);
          expectMatch(logs, "job: db ok: postgres-stub", `logs of shred-day-job-${version}`);
        });
      });

      await t.step("dhow details", async () => {
        const details = await app.dhow(["details"]);
        for (const name of [`shred-day-web-${version}`, `shred-day-job-${version}`, "server-db", "kamal-proxy"]) {
          expectMatch(details.stdout, name, "dhow details");
        }
      });
    } finally {
      // the original config bind-mounts a host path; the sandbox servers share this machine's filesystem
      if (!hadDbDir) await exec("rmdir", [DB_VOLUME_DIR]);
    }
  },
};

/** What `pointAtSandbox` swaps in. */
export interface SandboxTargets {
  readonly hosts: readonly string[];
  readonly registry: string;
  readonly sshKey: string;
  /** Accessory image → local image. */
  readonly images: Readonly<Record<string, string>>;
}

/**
 * Rewrites a deploy.yml to run against the sandbox and changes nothing else (comments and order kept): each
 * distinct host becomes the next sandbox server, `registry.server` the sandbox registry, accessory images
 * their local stand-ins, and ssh uses the sandbox key without ~/.ssh/config.
 */
export function pointAtSandbox(text: string, targets: SandboxTargets): string {
  const doc = parseDocument(text);
  const mapping = new Map<string, string>();
  const mapHost = (host: string): string => {
    let mapped = mapping.get(host);
    if (!mapped) {
      mapped = targets.hosts[mapping.size % targets.hosts.length]!;
      mapping.set(host, mapped);
    }
    return mapped;
  };
  const mapHosts = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map((entry) =>
          typeof entry === "string"
            ? mapHost(entry)
            : Object.fromEntries(
                Object.entries(entry as Record<string, unknown>).map(([h, tags]) => [mapHost(h), tags]),
              ),
        )
      : value;

  const plain = doc.toJS() as Record<string, unknown>;
  if (Array.isArray(plain["servers"])) doc.setIn(["servers"], mapHosts(plain["servers"]));
  else if (plain["servers"] && typeof plain["servers"] === "object") {
    for (const [role, spec] of Object.entries(plain["servers"] as Record<string, unknown>)) {
      if (Array.isArray(spec)) doc.setIn(["servers", role], mapHosts(spec));
      else if (spec && typeof spec === "object" && "hosts" in spec) {
        doc.setIn(["servers", role, "hosts"], mapHosts((spec as { hosts: unknown }).hosts));
      }
    }
  }
  for (const [name, accessory] of Object.entries(
    (plain["accessories"] ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    if (typeof accessory["host"] === "string") doc.setIn(["accessories", name, "host"], mapHost(accessory["host"]));
    if (Array.isArray(accessory["hosts"])) doc.setIn(["accessories", name, "hosts"], mapHosts(accessory["hosts"]));
    const image = accessory["image"];
    if (typeof image === "string") {
      const local = targets.images[image];
      if (!local) throw new Error(`no local stand-in for accessory image ${image}`);
      doc.setIn(["accessories", name, "image"], local);
    }
  }
  doc.setIn(["registry", "server"], targets.registry);
  doc.setIn(["ssh", "keys"], [targets.sshKey]);
  doc.setIn(["ssh", "config"], false);
  return doc.toString();
}

export default scenario;
