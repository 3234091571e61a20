import { describe, expect, it } from "vitest";
import { type BuildFacts, createBuilderConfig, type RawBuilderConfig } from "../../config/sections/builder.js";
import { BuilderError } from "../../errors.js";
import { redact, render } from "../command.js";
import type { BuilderCommandConfig } from "./base.js";
import { plainDockerBuild } from "./plain-docker-build.js";

const FACTS: BuildFacts = {
  dockerArch: "amd64",
  gitUsed: false,
  gitRoot: "",
  gitRevision: "",
  pwd: "/app",
  tmpdir: "/tmp",
  dockerfileExists: true,
};

function config(builder: RawBuilderConfig, secrets: Record<string, string> = {}): BuilderCommandConfig {
  return {
    service: "app",
    repository: "ghcr.io/dhh/app",
    absoluteImage: "ghcr.io/dhh/app:V",
    latestImage: "ghcr.io/dhh/app:latest",
    builder: createBuilderConfig(builder, {
      service: "app",
      image: "dhh/app",
      repository: "ghcr.io/dhh/app",
      registryServer: "ghcr.io",
      localRegistry: false,
      secrets: { get: (key) => secrets[key] ?? "" },
      destination: undefined,
    }),
  };
}

describe("plainDockerBuild", () => {
  it("builds one arch with docker build and pushes both tags", () => {
    expect(render(plainDockerBuild(config({ arch: "amd64" }), FACTS))).toBe(
      'docker build --platform linux/amd64 -t ghcr.io/dhh/app:V -t ghcr.io/dhh/app:latest --label service="app" --file Dockerfile . && docker push ghcr.io/dhh/app:V && docker push ghcr.io/dhh/app:latest',
    );
  });

  it("passes build args (redacted when logged), target, dockerfile, context and no-cache", () => {
    const build = plainDockerBuild(
      config({
        arch: ["arm64"],
        args: { RUBY_VERSION: "3.3.0" },
        target: "prod",
        dockerfile: "Dockerfile.prod",
        context: "..",
      }),
      FACTS,
      { noCache: true },
    );
    expect(render(build)).toBe(
      'docker build --platform linux/arm64 -t ghcr.io/dhh/app:V -t ghcr.io/dhh/app:latest --label service="app" --build-arg RUBY_VERSION="3.3.0" --target prod --file Dockerfile.prod --no-cache .. && docker push ghcr.io/dhh/app:V && docker push ghcr.io/dhh/app:latest',
    );
    expect(redact(build)).toContain("--build-arg RUBY_VERSION=[REDACTED]");
  });

  it("leaves a dev build in the local store without pushing", () => {
    expect(render(plainDockerBuild(config({ arch: "amd64" }), FACTS, { output: "docker", tagAsDirty: true }))).toBe(
      'docker build --platform linux/amd64 -t ghcr.io/dhh/app:V-dirty -t ghcr.io/dhh/app:latest-dirty --label service="app" --file Dockerfile .',
    );
  });

  it("allows a remote that this machine's arch makes unnecessary", () => {
    expect(render(plainDockerBuild(config({ arch: "amd64", remote: "ssh://b" }), FACTS))).toMatch(/^docker build /);
  });

  it("raises Missing <dockerfile>", () => {
    expect(() => plainDockerBuild(config({ arch: "amd64" }), { ...FACTS, dockerfileExists: false })).toThrow(
      "Missing Dockerfile",
    );
  });

  it.each([
    [{ arch: ["amd64", "arm64"] }, "building for several arches (amd64, arm64) needs buildx"],
    [{ arch: "arm64", remote: "ssh://b" }, "a remote builder needs buildx"],
    [{ arch: "amd64", remote: "ssh://b", local: false }, "a remote builder needs buildx"],
    [{ arch: "amd64", cache: { type: "gha" } }, "builder.cache needs buildx"],
    [{ arch: "amd64", secrets: ["TOKEN"] }, "builder.secrets needs buildx"],
    [{ arch: "amd64", ssh: "default" }, "builder.ssh needs buildx"],
    [{ arch: "amd64", provenance: false }, "builder.provenance needs buildx"],
    [{ arch: "amd64", sbom: true }, "builder.sbom needs buildx"],
    [{ arch: "amd64", driver: "cloud org/b" }, "the cloud org/b driver needs buildx"],
    [{ arch: "amd64", pack: { builder: "b" } }, "builder.pack needs buildx"],
  ] as [RawBuilderConfig, string][])("refuses %j", (builder, message) => {
    const run = () => plainDockerBuild(config(builder), FACTS);
    expect(run).toThrow(BuilderError);
    expect(run).toThrow(`Building without docker buildx: ${message}`);
  });

  it("refuses outputs other than registry and docker", () => {
    expect(() => plainDockerBuild(config({ arch: "amd64" }), FACTS, { output: "tar" })).toThrow(
      "--output tar needs buildx",
    );
  });
});
