import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { staticSecrets } from "../secrets/secrets.js";
import { type Config, createConfig } from "./config.js";
import type { RawConfig } from "./raw-config.js";
import { validateConfig } from "./validate.js";

const BASE: RawConfig = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  servers: { web: ["1.1.1.1", "1.1.1.2"], workers: ["1.1.1.3"] },
  builder: { arch: "amd64" },
};

function build(
  raw: Partial<RawConfig> = {},
  options: { destination?: string; secrets?: Record<string, string> } = {},
): Config {
  return createConfig({ ...BASE, ...raw } as RawConfig, {
    destination: options.destination,
    version: "abc123def",
    secrets: staticSecrets(options.secrets ?? {}),
    cwd: "/project",
  });
}

describe("createConfig: defaults and derived names", () => {
  it("derives names without a destination", () => {
    const config = build();
    expect(config.repository).toBe("dhh/app");
    expect(config.absoluteImage).toBe("dhh/app:abc123def");
    expect(config.latestTag).toBe("latest");
    expect(config.latestImage).toBe("dhh/app:latest");
    expect(config.serviceAndDestination).toBe("app");
    expect(config.serviceWithVersion).toBe("app-abc123def");
    expect(config.abbreviatedVersion).toBe("abc123d");
    expect(config.role("web")?.containerPrefix).toBe("app-web");
    expect(config.role("web")?.containerName()).toBe("app-web-abc123def");
    expect(config.envDirectory).toBe(".kamal/apps/app/env");
  });

  it("derives names with a destination and a registry server", () => {
    const config = build({ registry: { server: "ghcr.io", username: "u", password: "p" } }, { destination: "staging" });
    expect(config.repository).toBe("ghcr.io/dhh/app");
    expect(config.latestTag).toBe("latest-staging");
    expect(config.latestImage).toBe("ghcr.io/dhh/app:latest-staging");
    expect(config.serviceAndDestination).toBe("app-staging");
    expect(config.role("workers")?.containerPrefix).toBe("app-workers-staging");
    expect(config.role("web")?.secretsPath).toBe(".kamal/apps/app-staging/env/roles/web.env");
  });

  it("applies Kamal's defaults", () => {
    const config = build();
    expect(config.retainContainers).toBe(5);
    expect(config.readinessDelay).toBe(7);
    expect(config.deployTimeout).toBe(30);
    expect(config.drainTimeout).toBe(30);
    expect(config.hooksPath).toBe(".kamal/hooks");
    expect(config.secretsPath).toBe(".kamal/secrets");
    expect(config.runDirectory).toBe(".kamal");
    expect(config.ssh.user).toBe("root");
    expect(config.ssh.port).toBe(22);
    expect(config.ssh.logLevel).toBe("fatal");
    expect(config.sshkit.maxConcurrentStarts).toBe(30);
    expect(config.sshkit.poolIdleTimeout).toBe(900);
    expect(config.boot.limit).toBeUndefined();
    expect(config.loggingArgs()).toEqual(["--log-opt", 'max-size="10m"']);
  });

  it("defaults the image to the service with a local registry", () => {
    const config = build({ image: undefined, registry: { server: "localhost:5555" } } as Partial<RawConfig>);
    expect(config.image).toBe("app");
    expect(config.repository).toBe("localhost:5555/app");
    expect(config.registry.local).toBe(true);
    expect(config.registry.localPort).toBe(5555);
  });

  it("resolves the version lazily, once", () => {
    let calls = 0;
    const config = createConfig(BASE, {
      version: () => {
        calls++;
        return "v1";
      },
      secrets: staticSecrets({}),
    });
    expect(calls).toBe(0);
    expect(config.absoluteImage).toBe("dhh/app:v1");
    expect(config.version).toBe("v1");
    expect(calls).toBe(1);
  });
});

describe("roles and hosts", () => {
  it("sorts roles by name, finds the primary role and host, and collects hosts", () => {
    const config = build({
      servers: { workers: ["1.1.1.3"], web: ["1.1.1.1", { "1.1.1.2": ["tag1", "tag2"] }] },
      accessories: { db: { image: "mysql", host: "1.1.1.9" } },
    });
    expect(config.roleNames).toEqual(["web", "workers"]);
    expect(config.primaryRole?.name).toBe("web");
    expect(config.primaryHost).toBe("1.1.1.1");
    expect(config.role("web")?.hosts).toEqual(["1.1.1.1", "1.1.1.2"]);
    expect(config.role("web")?.tags("1.1.1.2")).toEqual(["tag1", "tag2"]);
    expect(config.allHosts).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.9"]);
    expect(config.appHosts).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3"]);
  });

  it("runs the proxy on the primary role unless disabled, and on others only when asked", () => {
    const config = build({
      servers: { web: ["1.1.1.1"], workers: ["1.1.1.3"], api: { hosts: ["1.1.1.4"], proxy: true } },
    });
    expect(config.proxyRoleNames).toEqual(["api", "web"]);
    expect(config.proxyHosts).toEqual(["1.1.1.4", "1.1.1.1"]);
    const off = build({ servers: { web: { hosts: ["1.1.1.1"], proxy: false } } });
    expect(off.proxyRoles).toEqual([]);
  });

  it("gives docker stop -t only to roles without the proxy, unless a stop_timeout is set", () => {
    const config = build({ drain_timeout: 20 });
    expect(config.role("web")?.stopArgs()).toEqual([]);
    expect(config.role("workers")?.stopArgs()).toEqual(["-t", "20"]);
    const timed = build({ servers: { web: { hosts: ["1.1.1.1"], stop_timeout: 45 } } });
    expect(timed.role("web")?.stopArgs()).toEqual(["-t", "45"]);
  });

  it("takes the restart policy out of the role options", () => {
    const config = build({ servers: { web: { hosts: ["1.1.1.1"], options: { restart: "always", memory: "2g" } } } });
    expect(config.role("web")?.restartPolicy).toBe("always");
    expect(config.role("web")?.optionArgs()).toEqual(["--memory", '"2g"']);
  });

  it("merges labels: defaults, root, role", () => {
    const config = build({
      labels: { team: "a", role: "x" },
      servers: { web: { hosts: ["1.1.1.1"], labels: { team: "b" } } },
    });
    expect(config.role("web")?.labelArgs()).toEqual([
      "--label",
      'service="app"',
      "--label",
      'role="x"',
      "--label",
      "destination",
      "--label",
      'team="b"',
    ]);
  });

  it("deep-merges role logging over the root", () => {
    const config = build({
      logging: { driver: "local", options: { "max-size": "10m", "max-file": "3" } },
      servers: { web: { hosts: ["1.1.1.1"], logging: { options: { "max-size": "100m" } } } },
    });
    expect(config.role("web")?.loggingArgs()).toEqual([
      "--log-driver",
      '"local"',
      "--log-opt",
      'max-size="100m"',
      "--log-opt",
      'max-file="3"',
    ]);
  });
});

describe("env per role and host", () => {
  it("merges root, role and tag env in that order; secrets are unioned and read on demand", () => {
    const config = build(
      {
        env: {
          clear: { RAILS_ENV: "production", REGION: "eu" },
          secret: ["DB_PASSWORD:MAIN_DB_PASSWORD"],
          tags: { big: { REGION: "us", WORKERS: 8 }, secretive: { clear: { X: "1" }, secret: ["API_KEY"] } },
        },
        servers: {
          web: {
            hosts: [{ "1.1.1.1": ["big", "secretive"] }, "1.1.1.2"],
            env: { clear: { PORT: "3000" }, secret: ["RAILS_KEY"] },
          },
        },
      },
      { secrets: { MAIN_DB_PASSWORD: "pw", RAILS_KEY: "rk", API_KEY: "ak" } },
    );
    const web = config.role("web");
    expect(web?.envArgs("1.1.1.1")).toEqual([
      "--env",
      'RAILS_ENV="production"',
      "--env",
      'REGION="us"',
      "--env",
      'PORT="3000"',
      "--env",
      'WORKERS="8"',
      "--env",
      'X="1"',
      "--env-file",
      ".kamal/apps/app/env/roles/web.env",
    ]);
    expect(web?.env("1.1.1.2").clear).toEqual({ RAILS_ENV: "production", REGION: "eu", PORT: "3000" });
    expect(web?.env("1.1.1.1").secretValues()).toEqual({ DB_PASSWORD: "pw", RAILS_KEY: "rk", API_KEY: "ak" });
    expect(web?.env("1.1.1.2").secretValues()).toEqual({ DB_PASSWORD: "pw", RAILS_KEY: "rk" });
  });

  it("treats a simple env hash as clear values", () => {
    const config = build({ env: { A: "1", EMPTY: "" } });
    expect(config.env.clearArgs()).toEqual(["--env", 'A="1"', "--env", "EMPTY"]);
    expect(config.env.secretKeys).toEqual([]);
  });
});

describe("proxy deploy args", () => {
  it("emits every flag in Kamal's order", () => {
    const config = build(
      {
        servers: { web: ["1.1.1.1"] },
        error_pages_path: "public",
        proxy: {
          hosts: ["a.com", "b.com"],
          app_port: 3000,
          ssl: { certificate_pem: "CERT", private_key_pem: "KEY" },
          ssl_redirect: false,
          forward_headers: true,
          response_timeout: 10,
          path_prefixes: ["/api", "/x"],
          strip_path_prefix: false,
          healthcheck: { interval: 3, timeout: 3, path: "/health" },
          buffering: {
            requests: false,
            responses: true,
            memory: 2000000,
            max_request_body: 40000000,
            max_response_body: 0,
          },
          logging: { request_headers: ["X-A"], response_headers: ["X-R"] },
        },
      },
      { destination: "prod" },
    );
    expect(config.role("web")?.proxy?.deployCommandArgs("cid").join(" ")).toBe(
      '--target="cid:3000" --host="a.com" --host="b.com" --tls --tls-certificate-path="/home/kamal-proxy/.apps-config/app-prod/tls/web/cert.pem" --tls-private-key-path="/home/kamal-proxy/.apps-config/app-prod/tls/web/key.pem" --deploy-timeout="30s" --drain-timeout="30s" --health-check-interval="3s" --health-check-timeout="3s" --health-check-path="/health" --target-timeout="10s" --buffer-requests="false" --buffer-responses --buffer-memory="2000000" --max-request-body="40000000" --max-response-body="0" --path-prefix="/api" --path-prefix="/x" --strip-path-prefix="false" --forward-headers --tls-redirect="false" --log-request-header="X-A" --log-response-header="X-R" --error-pages="/home/kamal-proxy/.apps-config/app-prod/error_pages/abc123def"',
    );
    expect(config.role("web")?.proxy?.hostTlsCert).toBe(".kamal/proxy/apps-config/app-prod/tls/web/cert.pem");
  });

  it("merges the role's proxy over the root one and splits csv hosts", () => {
    const config = build({
      proxy: { host: "a.com,b.com", app_port: 3000 },
      servers: { web: ["1.1.1.1"], api: { hosts: ["1.1.1.4"], proxy: { app_port: 4000 } } },
    });
    expect(config.role("web")?.proxy?.hosts).toEqual(["a.com", "b.com"]);
    expect(config.role("api")?.proxy?.appPort).toBe(4000);
    expect(config.role("api")?.proxy?.hosts).toEqual(["a.com", "b.com"]);
  });

  // Kamal: `ssl["certificate_pem"].present?`; the resolver's own `present` counted `false` as given.
  it("has custom certificates only when both PEM settings are present (ActiveSupport present?)", () => {
    const ssl = (certificate_pem: unknown, private_key_pem: unknown) =>
      build({ proxy: { host: "a.com", ssl: { certificate_pem, private_key_pem } } } as Partial<RawConfig>).proxy
        .customSslCertificate;
    expect(ssl(false, false)).toBe(false);
    expect(ssl(" ", "KEY")).toBe(false);
    expect(ssl("CERT", "KEY")).toBe(true);
  });

  it("finds the proxy.run of a host", () => {
    const config = build({
      proxy: { run: { http_port: 8080, bind_ips: ["::1"] } },
      servers: { web: ["1.1.1.1"], workers: ["1.1.1.3"] },
    });
    expect(config.proxyRun("1.1.1.1")?.dockerOptionsArgs()).toContain(
      "--publish [::1]:8080:80 --publish [::1]:443:443",
    );
    expect(config.proxyRun("1.1.1.3")).toBeUndefined();
  });
});

describe("boot, accessories and checks", () => {
  it("computes a percentage boot limit from all hosts, including accessory hosts", () => {
    const config = build({
      servers: { web: ["1", "2", "3", "4", "5", "6", "7"] },
      accessories: { db: { image: "mysql", hosts: ["8", "9", "10"] } },
      boot: { limit: "25%", wait: 2 },
    });
    expect(config.boot.limit).toBe(2);
    expect(config.boot.wait).toBe(2);
    expect(build({ boot: { limit: "1%" } }).boot.limit).toBe(1);
    expect(build({ boot: { limit: 3 } }).boot.limit).toBe(3);
  });

  it("resolves accessory placement, ports, volumes and registry", () => {
    const config = build({
      servers: { web: [{ "1.1.1.1": "db" }, "1.1.1.2"], workers: ["1.1.1.3"] },
      accessories: {
        db: {
          image: "mysql:8.0",
          tag: "db",
          port: 3306,
          files: [
            "config/my.cnf:/etc/mysql/my.cnf",
            { local: "config/init.sql.erb", remote: "/docker-entrypoint-initdb.d/init.sql", mode: "0600" },
          ],
          directories: ["data:/var/lib/mysql:z"],
          volumes: ["/logs:/var/log/mysql"],
          registry: { server: "other.registry", username: "u", password: "p" },
        },
        cache: { image: "redis", roles: ["workers"] },
      },
    });
    const db = config.accessory("db");
    expect(db?.hosts).toEqual(["1.1.1.1"]);
    expect(db?.image).toBe("other.registry/mysql:8.0");
    expect(db?.publishArgs()).toEqual(["--publish", "3306:3306"]);
    expect(db?.files[0]).toMatchObject({
      local: "/project/config/my.cnf",
      hostPath: "app-db/etc/mysql/my.cnf",
      mode: "755",
    });
    expect(db?.files[1]).toMatchObject({ template: true, mode: "0600" });
    expect(db?.directories[0]).toMatchObject({ local: "$PWD/app-db/data", hostPath: "app-db/data", options: "z" });
    expect(db?.volumeArgs()).toEqual([
      "--volume",
      "/logs:/var/log/mysql",
      "--volume",
      "$PWD/app-db/etc/mysql/my.cnf:/etc/mysql/my.cnf",
      "--volume",
      "$PWD/app-db/docker-entrypoint-initdb.d/init.sql:/docker-entrypoint-initdb.d/init.sql",
      "--volume",
      "$PWD/app-db/data:/var/lib/mysql:z",
    ]);
    expect(config.accessory("cache")?.hosts).toEqual(["1.1.1.3"]);
  });

  it("leaves Kamal's errors for inconsistent configs to validateConfig, which raises them", () => {
    expect(() => build({ retain_containers: 0 })).not.toThrow();
    const error = (raw: Partial<RawConfig>, destination?: string) => {
      try {
        validateConfig({ ...BASE, ...raw }, destination === undefined ? {} : { destination });
      } catch (caught) {
        expect(caught).toBeInstanceOf(ConfigError);
        return (caught as Error).message;
      }
      return "no error";
    };
    expect(error({ require_destination: true })).toBe("You must specify a destination");
    expect(error({ primary_role: "api" })).toBe("The primary_role api isn't defined");
    expect(error({ servers: { web: ["1.1.1.1"], workers: [] } })).toBe(
      "No servers specified for the workers role. You can ignore this with allow_empty_roles: true",
    );
    expect(error({ retain_containers: 0 })).toBe("Must retain at least 1 container");
    expect(error({ service: "my app" })).toBe(
      "Service name can only include alphanumeric characters, hyphens, and underscores",
    );
    expect(error({ minimum_version: "9.0.0" })).toBe("Current version is 2.12.0, minimum required is 9.0.0");
    expect(error({ proxy: { ssl: true, host: "a.com" } })).toBe(
      "SSL is only supported on a single server unless you provide custom certificates, found 2 servers for role web",
    );
    expect(error({ accessories: { db: { image: "x", role: "nope" } } })).toBe("accessories/db: unknown role nope");
    expect(error({ hooks_output: "loud" })).toBe("Invalid hooks_output 'loud', must be one of: quiet, verbose");
  });

  it("is read-only", () => {
    const config = build();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.roles)).toBe(true);
  });
});
