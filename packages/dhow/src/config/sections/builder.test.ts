import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors.js";
import { rootScope } from "../validator.js";
import { type BuilderRoot, createBuilderConfig, type RawBuilderConfig, validateBuilder } from "./builder.js";

const secrets = new Map([["GITHUB_TOKEN", "secret123"]]);
const root: BuilderRoot = {
  service: "app",
  image: "dhh/app",
  repository: "dhh/app",
  registryServer: undefined,
  localRegistry: false,
  secrets: {
    get(key) {
      const value = secrets.get(key);
      if (value === undefined) throw new Error(`Secret '${key}' not found`);
      return value;
    },
  },
  destination: undefined,
};

function builder(raw: RawBuilderConfig, overrides: Partial<BuilderRoot> = {}) {
  return createBuilderConfig(raw, { ...root, ...overrides });
}

// Cases from Kamal 2.12 test/configuration/builder_test.rb.
describe("createBuilderConfig and validateBuilder", () => {
  it("applies Kamal's defaults", () => {
    const config = builder({ arch: "amd64" });
    expect(config.arches).toEqual(["amd64"]);
    expect(config.remote).toBeUndefined();
    expect(config.driver).toBe("docker-container");
    expect(config.dockerDriver).toBe(false);
    expect(config.cloud).toBe(false);
    expect(config.cached).toBe(false);
    expect(config.cacheFrom).toBeUndefined();
    expect(config.cacheTo).toBeUndefined();
    expect(config.args).toEqual({});
    expect(config.secretNames).toEqual([]);
    expect(config.dockerfile).toBe("Dockerfile");
    expect(config.context).toBe(".");
    expect(config.contextSet).toBe(false);
    expect(config.ssh).toBeUndefined();
    expect(config.provenance).toBeUndefined();
    expect(config.sbom).toBeUndefined();
    expect(config.pack).toBeUndefined();
    expect(config.isLocal({ dockerArch: "arm64" })).toBe(true);
    expect(config.isRemote({ dockerArch: "arm64" })).toBe(false);
  });

  it("keeps the values it is given", () => {
    const config = builder({
      arch: ["arm64"],
      dockerfile: "Dockerfile.dev",
      context: "..",
      ssh: "default=$SSH_AUTH_SOCK",
      provenance: "mode=max",
      sbom: true,
      args: { key: "value" },
      target: "prod",
      driver: "cloud org/builder",
      pack: { builder: "heroku/builder:24" },
    });
    expect(config.arches).toEqual(["arm64"]);
    expect(config.dockerfile).toBe("Dockerfile.dev");
    expect(config.context).toBe("..");
    expect(config.contextSet).toBe(true);
    expect(config.ssh).toBe("default=$SSH_AUTH_SOCK");
    expect(config.provenance).toBe("mode=max");
    expect(config.sbom).toBe(true);
    expect(config.args).toEqual({ key: "value" });
    expect(config.target).toBe("prod");
    expect(config.cloud).toBe(true);
    expect(config.pack).toEqual({ builder: "heroku/builder:24", buildpacks: [] });
  });

  it("sets gha cache", () => {
    const config = builder({ arch: "amd64", cache: { type: "gha", options: "mode=max" } });
    expect(config.cacheFrom).toBe("type=gha");
    expect(config.cacheTo).toBe("type=gha,mode=max");
  });

  it("sets registry cache", () => {
    const config = builder({
      arch: "amd64",
      cache: { type: "registry", options: "mode=max,image-manifest=true,oci-mediatypes=true" },
    });
    expect(config.cacheFrom).toBe("type=registry,ref=dhh/app-build-cache");
    expect(config.cacheTo).toBe(
      "type=registry,ref=dhh/app-build-cache,mode=max,image-manifest=true,oci-mediatypes=true",
    );
  });

  it("sets registry cache on a custom registry", () => {
    const config = builder(
      { arch: "amd64", cache: { type: "registry", options: "mode=max" } },
      { registryServer: "registry.example.com" },
    );
    expect(config.cacheFrom).toBe("type=registry,ref=registry.example.com/dhh/app-build-cache");
    expect(config.cacheTo).toBe("type=registry,ref=registry.example.com/dhh/app-build-cache,mode=max");
  });

  it("sets registry cache with an image", () => {
    const config = builder({ arch: "amd64", cache: { type: "registry", image: "kamal", options: "mode=max" } });
    expect(config.cacheFrom).toBe("type=registry,ref=kamal");
    expect(config.cacheTo).toBe("type=registry,ref=kamal,mode=max");
  });

  it("resolves builder secrets through the secrets source", () => {
    expect(builder({ arch: "amd64", secrets: ["GITHUB_TOKEN"] }).secrets()).toEqual({
      GITHUB_TOKEN: "secret123",
    });
    expect(() => builder({ arch: "amd64", secrets: ["MISSING"] }).secrets()).toThrow("Secret 'MISSING'");
  });

  it.each([
    [{}, "builder: Builder arch not set"],
    [{ arch: [] }, "builder: Builder arch not set"],
    [{ arch: " " }, "builder: Builder arch not set"],
    [{ arch: "amd64", cache: { type: "invalid" } }, "builder: Invalid cache type: invalid"],
    [{ arch: "amd64", local: false }, "builder: Cannot disable local builds, no remote is set"],
    [{ arch: ["amd64", "arm64"], pack: { builder: "b" } }, "builder: buildpacks only support building for one arch"],
  ] as [RawBuilderConfig, string][])("rejects %j", (raw, message) => {
    const run = () => validateBuilder(rootScope(), raw);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  it("takes a scalar arch that YAML gave as a number (Kamal's Array(arch))", () => {
    expect(builder({ arch: 64 as unknown as string }).arches).toEqual(["64"]);
  });

  it("treats a missing section as a missing arch", () => {
    expect(() => validateBuilder(rootScope(), undefined)).toThrow("builder: Builder arch not set");
  });
});

describe("arch selection", () => {
  it("builds every arch locally without a remote", () => {
    const config = builder({ arch: ["amd64", "arm64"] });
    expect(config.localArches({ dockerArch: "amd64" })).toEqual(["amd64", "arm64"]);
    expect(config.remoteArches({ dockerArch: "amd64" })).toEqual([]);
    expect(config.needsDockerArch).toBe(false);
  });

  it("splits arches between local and remote with a remote", () => {
    const config = builder({ arch: ["amd64", "arm64"], remote: "ssh://root@192.168.0.1" });
    expect(config.needsDockerArch).toBe(true);
    expect(config.localArches({ dockerArch: "arm64" })).toEqual(["arm64"]);
    expect(config.remoteArches({ dockerArch: "arm64" })).toEqual(["amd64"]);
    expect(config.isLocal({ dockerArch: "arm64" })).toBe(true);
    expect(config.isRemote({ dockerArch: "arm64" })).toBe(true);
  });

  it("sends every arch to the remote when local is disabled", () => {
    const config = builder({ arch: ["amd64", "arm64"], remote: "ssh://root@192.168.0.1", local: false });
    expect(config.localArches({ dockerArch: "amd64" })).toEqual([]);
    expect(config.remoteArches({ dockerArch: "amd64" })).toEqual(["amd64", "arm64"]);
    expect(config.isLocal({ dockerArch: "amd64" })).toBe(false);
    expect(config.needsDockerArch).toBe(false);
  });

  it("treats an unknown docker arch as nothing local", () => {
    const config = builder({ arch: "amd64", remote: "ssh://root@host" });
    expect(config.remoteArches({ dockerArch: "" })).toEqual(["amd64"]);
  });
});

describe("clone paths", () => {
  const facts = { gitUsed: true, gitRoot: "/home/deployer/app", pwd: "/home/deployer/app", tmpdir: "/tmp" };

  it("names the clone dir after the service and sha256(pwd)", () => {
    expect(builder({ arch: "amd64" }).cloneDirectory(facts)).toBe("/tmp/kamal-clones/app-cdb9728fb23c6");
  });

  it("builds in <clone>/<repo>/<subdir> in git-clone mode", () => {
    const config = builder({ arch: "amd64" });
    expect(config.isGitClone(facts)).toBe(true);
    expect(config.buildDirectory(facts)).toBe("/tmp/kamal-clones/app-cdb9728fb23c6/app/");
    const sub = { ...facts, pwd: "/home/deployer/app/web" };
    expect(config.buildDirectory(sub)).toBe(`${config.cloneDirectory(sub)}/app/web`);
  });

  it("builds in . when a context is set or git is not used", () => {
    expect(builder({ arch: "amd64", context: "." }).buildDirectory(facts)).toBe(".");
    expect(builder({ arch: "amd64" }).buildDirectory({ ...facts, gitUsed: false })).toBe(".");
  });
});
