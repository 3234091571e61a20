import { describe, expect, it } from "vitest";
import { staticSecrets } from "../secrets/secrets.js";
import { createConfig } from "./config.js";
import { describeConfig } from "./describe.js";

describe("describeConfig (kamal config)", () => {
  const config = createConfig(
    {
      service: "app",
      image: "dhh/app",
      registry: { server: "ghcr.io", username: "dhh", password: ["KAMAL_REGISTRY_PASSWORD"] },
      servers: { workers: ["1.1.1.3"], web: ["1.1.1.1", "1.1.1.2"] },
      volumes: ["data:/data"],
      ssh: { user: "deploy", proxy: "bastion", key_data: ["SSH_KEY"] },
      sshkit: { max_concurrent_starts: 10 },
      builder: { arch: "amd64", args: { A: "1" } },
      accessories: { db: { image: "mysql", host: "1.1.1.9", env: { secret: ["DB_PASSWORD"] } } },
      logging: { driver: "local" },
    },
    {
      version: "abc",
      secrets: staticSecrets({ KAMAL_REGISTRY_PASSWORD: "hunter2", SSH_KEY: "-----BEGIN KEY", DB_PASSWORD: "pw" }),
    },
  );
  const document = describeConfig(config);

  it("has Kamal's fields first, in Kamal's order, with Kamal's values", () => {
    expect(Object.keys(document).slice(0, 13)).toEqual([
      "roles",
      "hosts",
      "primary_host",
      "version",
      "repository",
      "absolute_image",
      "service_with_version",
      "volume_args",
      "ssh_options",
      "sshkit",
      "builder",
      "accessories",
      "logging",
    ]);
    expect(document.roles).toEqual(["web", "workers"]);
    expect(document.hosts).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.9"]);
    expect(document.primary_host).toBe("1.1.1.1");
    expect(document.absolute_image).toBe("ghcr.io/dhh/app:abc");
    expect(document.service_with_version).toBe("app-abc");
    expect(document.volume_args).toEqual(["--volume", "data:/data"]);
    expect(document.ssh_options).toEqual({
      user: "deploy",
      port: 22,
      proxy: "root@bastion",
      keepalive: true,
      keepalive_interval: 30,
      key_data: ["[REDACTED]"],
      log_level: "fatal",
    });
    expect(document.sshkit).toEqual({ max_concurrent_starts: 10 });
    expect(document.builder).toEqual({ arch: "amd64", args: { A: "1" } });
    expect(document.accessories).toEqual({ db: { image: "mysql", host: "1.1.1.9", env: { secret: ["DB_PASSWORD"] } } });
    expect(document.logging).toEqual(["--log-driver", '"local"']);
  });

  it("puts dhow's own fields after Kamal's", () => {
    expect(Object.keys(document).slice(13)).toContain("service");
    expect(document.latest_image).toBe("ghcr.io/dhh/app:latest");
  });

  it("never contains secret values", () => {
    const text = JSON.stringify(document);
    for (const secret of ["hunter2", "-----BEGIN KEY", '"pw"']) expect(text).not.toContain(secret);
  });
});
