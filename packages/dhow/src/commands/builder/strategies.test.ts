/**
 * The builder strategies beyond the visible golden cases: the rest of Kamal 2.12's builder_test.rb and
 * every public method of the local, remote, hybrid, cloud and pack targets.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type BuildFacts, createBuilderConfig, type RawBuilderConfig } from "../../config/sections/builder.js";
import { BuilderError } from "../../errors.js";
import { type Command, redact, render } from "../command.js";
import type { BuilderCommandConfig } from "./base.js";
import { builderCommands } from "./builder-commands.js";
import { shellEscape } from "./clone.js";

const FACTS: BuildFacts = {
  dockerArch: "amd64",
  gitUsed: false,
  gitRoot: "/home/deployer/app",
  gitRevision: "0123456789abcdef0123456789abcdef01234567",
  pwd: "/home/deployer/app",
  tmpdir: "/tmp",
  dockerfileExists: true,
};

function config(
  builder: RawBuilderConfig,
  {
    server,
    destination,
    secrets = {},
  }: { server?: string; destination?: string; secrets?: Record<string, string> } = {},
): BuilderCommandConfig {
  const repository = server ? `${server}/dhh/app` : "dhh/app";
  return {
    service: "app",
    repository,
    absoluteImage: `${repository}:123`,
    latestImage: `${repository}:${destination ? `latest-${destination}` : "latest"}`,
    builder: createBuilderConfig(builder, {
      service: "app",
      image: "dhh/app",
      repository,
      registryServer: server,
      localRegistry: server !== undefined && /^localhost[:$]/.test(server),
      secrets: {
        get(key) {
          const value = secrets[key];
          if (value === undefined) throw new Error(`Secret '${key}' not found`);
          return value;
        },
      },
      destination,
    }),
  };
}

function commands(
  builder: RawBuilderConfig,
  options: Parameters<typeof config>[1] = {},
  facts: Partial<BuildFacts> = {},
) {
  return builderCommands({ config: config(builder, options), facts: { ...FACTS, ...facts } });
}

const text = (command: Command | undefined) => (command === undefined ? undefined : render(command));

describe("local builder", () => {
  it("pushes with a specified arch (target specified arch locally by default)", () => {
    expect(text(commands({ arch: ["amd64"] }).push())).toBe(
      'docker buildx build --output=type=registry --platform linux/amd64 --builder kamal-local-docker-container -t dhh/app:123 -t dhh/app:latest --label service="app" --file Dockerfile . 2>&1',
    );
  });

  it("pushes with build args, a dockerfile, a context and sbom false", () => {
    expect(text(commands({ arch: "amd64", args: { a: 1, b: 2 } }).push())).toBe(
      'docker buildx build --output=type=registry --platform linux/amd64 --builder kamal-local-docker-container -t dhh/app:123 -t dhh/app:latest --label service="app" --build-arg a="1" --build-arg b="2" --file Dockerfile . 2>&1',
    );
    expect(text(commands({ arch: "amd64", dockerfile: "Dockerfile.xyz" }).target.buildOptions())).toBe(
      '--label service="app" --file Dockerfile.xyz',
    );
    expect(text(commands({ arch: "amd64", context: "./foo" }).push())).toContain("--file Dockerfile ./foo 2>&1");
    expect(text(commands({ arch: "amd64", sbom: false }).push())).toContain("--file Dockerfile --sbom false . 2>&1");
  });

  it("orders every build option as Kamal does", () => {
    const all = commands(
      {
        arch: "amd64",
        cache: { type: "registry", options: "mode=max" },
        args: { RUBY: "3.3" },
        secrets: ["TOKEN"],
        dockerfile: "Dockerfile.prod",
        target: "prod",
        ssh: "default",
        provenance: true,
        sbom: "generator=x",
      },
      { secrets: { TOKEN: "t0p" } },
    );
    expect(text(all.target.buildOptions())).toBe(
      '--cache-to type=registry,ref=dhh/app-build-cache,mode=max --cache-from type=registry,ref=dhh/app-build-cache --label service="app" --build-arg RUBY="3.3" --secret id="TOKEN" --file Dockerfile.prod --target prod --ssh default --provenance true --sbom generator=x',
    );
    expect(redact(all.target.buildOptions())).toContain("--build-arg RUBY=[REDACTED]");
    expect(redact(all.target.buildOptions())).not.toContain("t0p");
  });

  it("fails a build whose secret is missing, as Kamal's secret lookup does", () => {
    expect(() => commands({ arch: "amd64", secrets: ["NOPE"] }).push()).toThrow("Secret 'NOPE' not found");
  });

  it("raises Missing <dockerfile> when it does not exist", () => {
    const run = () => commands({ arch: "amd64", dockerfile: "Dockerfile.xyz" }, {}, { dockerfileExists: false }).push();
    expect(run).toThrow(BuilderError);
    expect(run).toThrow("Missing Dockerfile.xyz");
  });

  it("tags dirty images for dev into the local store", () => {
    const local = commands({ arch: "amd64" });
    expect(text(local.push({ output: "docker", tagAsDirty: true }))).toBe(
      'docker buildx build --output=type=docker --platform linux/amd64 --builder kamal-local-docker-container -t dhh/app:123-dirty -t dhh/app:latest-dirty --label service="app" --file Dockerfile . 2>&1',
    );
    expect(text(local.dev({ noCache: true }))).toBe(
      'docker buildx build --output=type=docker --platform linux/amd64 --builder kamal-local-docker-container -t dhh/app:123-dirty -t dhh/app:latest-dirty --label service="app" --file Dockerfile --no-cache . 2>&1',
    );
  });

  it("uses the destination's latest tag", () => {
    expect(text(commands({ arch: "amd64" }, { destination: "staging" }).push())).toContain(
      "-t dhh/app:123 -t dhh/app:latest-staging",
    );
  });

  it("creates, removes, inspects and describes the builder", () => {
    const local = commands({ arch: "amd64" });
    expect(local.name).toBe("local");
    expect(text(local.create())).toBe(
      "docker buildx create --name kamal-local-docker-container --driver=docker-container",
    );
    expect(text(local.remove())).toBe("docker buildx rm kamal-local-docker-container");
    expect(text(local.inspectBuilder())).toBe("docker buildx inspect kamal-local-docker-container");
    expect(text(local.info())).toBe("docker context ls && docker buildx ls");
    expect(local.loginToRegistryLocally).toBe(true);
    expect(local.pushEnv).toEqual({});
  });

  it("uses no builder of its own with the docker driver", () => {
    const local = commands({ arch: "amd64", driver: "docker" });
    expect(local.create()).toBeUndefined();
    expect(local.remove()).toBeUndefined();
    expect(local.inspectBuilder()).toBeUndefined();
    expect(text(local.push())).toBe(
      'docker buildx build --output=type=registry --platform linux/amd64 -t dhh/app:123 -t dhh/app:latest --label service="app" --file Dockerfile . 2>&1',
    );
  });

  it("gives the host-side commands", () => {
    const local = commands({ arch: "amd64" });
    expect(text(local.clean())).toBe("docker image rm --force dhh/app:123");
    expect(text(local.pull())).toBe("docker pull dhh/app:123");
    expect(text(local.validateImage())).toBe(
      "docker inspect -f '{{ .Config.Labels.service }}' dhh/app:123 | grep -x app || (echo \"Image dhh/app:123 is missing the 'service' label\" && exit 1)",
    );
    expect(text(local.firstMirror())).toBe("docker info --format '{{index .RegistryConfig.Mirrors 0}}'");
    expect(local.buildContext).toBe(".");
  });
});

describe("remote builder", () => {
  const remote = commands({ arch: ["arm64"], remote: "ssh://app@host", cache: { type: "gha" } });

  it("is chosen for a non-local arch and pushes through the remote builder", () => {
    expect(remote.name).toBe("remote");
    expect(text(remote.push())).toBe(
      'docker buildx build --output=type=registry --platform linux/arm64 --builder kamal-remote-ssh---app-host -t dhh/app:123 -t dhh/app:latest --cache-to type=gha --cache-from type=gha --label service="app" --file Dockerfile . 2>&1',
    );
  });

  it("creates and removes the context and builder", () => {
    expect(text(remote.create())).toBe(
      "docker context create kamal-remote-ssh---app-host-context --description 'kamal-remote-ssh---app-host host' --docker 'host=ssh://app@host' ; docker buildx create --name kamal-remote-ssh---app-host kamal-remote-ssh---app-host-context",
    );
    expect(text(remote.remove())).toBe(
      "docker context rm kamal-remote-ssh---app-host-context ; docker buildx rm kamal-remote-ssh---app-host",
    );
    expect(text(remote.info())).toBe("docker context ls ; docker buildx ls");
  });

  it("inspects both the builder and its context", () => {
    expect(text(remote.inspectBuilder())).toBe(
      "docker buildx inspect kamal-remote-ssh---app-host | grep -q Endpoint:.*kamal-remote-ssh---app-host-context && docker context inspect kamal-remote-ssh---app-host-context --format '{{.Endpoints.docker.Host}}' | grep -xq ssh://app@host || (echo no compatible builder && exit 1)",
    );
  });

  it("does not log in locally and tells buildx not to send the client token", () => {
    expect(remote.loginToRegistryLocally).toBe(false);
    expect(remote.pushEnv).toEqual({ BUILDKIT_NO_CLIENT_TOKEN: "1" });
  });
});

describe("hybrid builder", () => {
  const hybrid = commands({ arch: ["amd64", "arm64"], remote: "ssh://app@127.0.0.1", cache: { type: "gha" } });

  it("pushes both arches through one builder", () => {
    expect(hybrid.name).toBe("hybrid");
    expect(text(hybrid.push())).toBe(
      'docker buildx build --output=type=registry --platform linux/amd64,linux/arm64 --builder kamal-hybrid-docker-container-ssh---app-127-0-0-1 -t dhh/app:123 -t dhh/app:latest --cache-to type=gha --cache-from type=gha --label service="app" --file Dockerfile . 2>&1',
    );
  });

  it("creates a local node and appends the remote one", () => {
    expect(text(hybrid.create())).toBe(
      "docker buildx create --platform linux/amd64 --name kamal-hybrid-docker-container-ssh---app-127-0-0-1 --driver=docker-container && docker context create kamal-hybrid-docker-container-ssh---app-127-0-0-1-context --description 'kamal-hybrid-docker-container-ssh---app-127-0-0-1 host' --docker 'host=ssh://app@127.0.0.1' && docker buildx create --platform linux/arm64 --append --name kamal-hybrid-docker-container-ssh---app-127-0-0-1 kamal-hybrid-docker-container-ssh---app-127-0-0-1-context",
    );
  });

  it("splits by the local docker arch", () => {
    const onArm = commands({ arch: ["amd64", "arm64"], remote: "ssh://app@h" }, {}, { dockerArch: "arm64" });
    expect(text(onArm.create())).toMatch(
      /^docker buildx create --platform linux\/arm64 .* --platform linux\/amd64 --append/,
    );
  });

  it("removes and inspects like the remote builder", () => {
    expect(text(hybrid.remove())).toBe(
      "docker context rm kamal-hybrid-docker-container-ssh---app-127-0-0-1-context ; docker buildx rm kamal-hybrid-docker-container-ssh---app-127-0-0-1",
    );
    expect(text(hybrid.inspectBuilder())).toContain("|| (echo no compatible builder && exit 1)");
    expect(hybrid.loginToRegistryLocally).toBe(false);
  });
});

describe("cloud builder", () => {
  const cloud = commands({ arch: ["amd64"], driver: "cloud docker-org-name/builder-name" });

  it("is named after the driver", () => {
    expect(cloud.name).toBe("cloud");
    expect(text(cloud.create())).toBe("docker buildx create --driver cloud docker-org-name/builder-name");
    expect(text(cloud.remove())).toBe("docker buildx rm cloud-docker-org-name-builder-name");
    expect(text(cloud.inspectBuilder())).toBe("docker buildx inspect cloud-docker-org-name-builder-name");
  });
});

describe("pack builder", () => {
  const pack = commands({
    arch: "amd64",
    pack: { builder: "heroku/builder:24", buildpacks: ["heroku/ruby", "heroku/procfile"] },
  });

  it("builds with pack and pushes both tags", () => {
    expect(pack.name).toBe("pack");
    expect(text(pack.push())).toBe(
      "pack build dhh/app --platform linux/amd64 --creation-time now --builder heroku/builder:24 --buildpack heroku/ruby --buildpack heroku/procfile --buildpack paketo-buildpacks/image-labels -t dhh/app:123 -t dhh/app:latest --env BP_IMAGE_LABELS=service=app --path . && docker push dhh/app:123 && docker push dhh/app:latest",
    );
    // Pushing twice gives the same command (Kamal appends the labels buildpack to its config each time).
    expect(text(pack.push())).toBe(text(pack.push()));
  });

  it("does not push for another output", () => {
    expect(text(pack.push({ output: "docker", tagAsDirty: true }))).toBe(
      "pack build dhh/app --platform linux/amd64 --creation-time now --builder heroku/builder:24 --buildpack heroku/ruby --buildpack heroku/procfile --buildpack paketo-buildpacks/image-labels -t dhh/app:123-dirty -t dhh/app:latest-dirty --env BP_IMAGE_LABELS=service=app --path .",
    );
  });

  it("inspects the pack builder and has nothing to create or remove", () => {
    expect(text(pack.info())).toBe("pack builder inspect heroku/builder:24");
    expect(text(pack.inspectBuilder())).toBe("pack builder inspect heroku/builder:24");
    expect(pack.create()).toBeUndefined();
    expect(pack.remove()).toBeUndefined();
  });

  it("redacts secrets in the logged form", () => {
    const withSecret = commands(
      { arch: "amd64", secrets: ["TOKEN"], pack: { builder: "b" } },
      { secrets: { TOKEN: "s3cret" } },
    );
    expect(text(withSecret.push())).toContain('--env TOKEN="s3cret"');
    expect(redact(withSecret.push())).toContain("--env TOKEN=[REDACTED]");
    expect(redact(withSecret.push())).not.toContain("s3cret");
  });

  it("is not chosen when a remote arch is configured", () => {
    expect(commands({ arch: "arm64", remote: "ssh://h", pack: { builder: "b" } }).name).toBe("remote");
  });
});

describe("local registry", () => {
  it("names the builders after the local registry and gives them host networking", () => {
    const local = commands({ arch: "amd64" }, { server: "localhost:5000" });
    expect(text(local.push())).toContain(
      "--builder kamal-local-registry-docker-container -t localhost:5000/dhh/app:123",
    );
    expect(text(local.remove())).toBe("docker buildx rm kamal-local-registry-docker-container");
  });
});

describe("clone", () => {
  const git = { gitUsed: true, gitRoot: "/absolute/path with spaces", pwd: "/absolute/path with spaces/web" };

  it("clones into the clone dir and resets the build dir below it", () => {
    const clone = commands({ arch: "amd64" }, {}, git);
    const sha = createHash("sha256").update("/absolute/path with spaces/web").digest("hex").slice(0, 13);
    expect(text(clone.clone())).toBe(
      `git -C /tmp/kamal-clones/app-${sha} clone /absolute/path\\ with\\ spaces --recurse-submodules`,
    );
    const steps = clone.cloneResetSteps().map((step) => render(step));
    expect(steps).toHaveLength(6);
    expect(steps[0]).toBe(
      `git -C /tmp/kamal-clones/app-${sha}/path\\ with\\ spaces/web remote set-url origin /absolute/path\\ with\\ spaces`,
    );
    expect(steps[2]).toBe(
      `git -C /tmp/kamal-clones/app-${sha}/path\\ with\\ spaces/web reset --hard ${FACTS.gitRevision}`,
    );
    expect(text(clone.cloneStatus())).toMatch(/path\\ with\\ spaces\/web status --porcelain$/);
    expect(text(clone.cloneRevision())).toMatch(/path\\ with\\ spaces\/web rev-parse HEAD$/);
  });

  it("works in . without git or with a context", () => {
    expect(text(commands({ arch: "amd64", context: "." }, {}, git).cloneStatus())).toBe("git -C . status --porcelain");
  });
});

describe("shellEscape", () => {
  it("escapes as Ruby's Shellwords.escape", () => {
    expect(shellEscape("")).toBe("''");
    expect(shellEscape("/a b/c")).toBe("/a\\ b/c");
    expect(shellEscape("it's$HOME")).toBe("it\\'s\\$HOME");
    expect(shellEscape("a\nb")).toBe("a'\n'b");
    expect(shellEscape("ok-_.,:+/@1")).toBe("ok-_.,:+/@1");
  });
});
