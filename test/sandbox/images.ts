/**
 * @module
 * The base images, made from this machine's own binaries because there is no Docker Hub here:
 * - base:  FROM scratch + busybox-static and its applets (sh, httpd, nc, wget, …), /etc/passwd, /tmp
 * - node:  base + this machine's node binary and the shared libraries `ldd` lists
 * - redis: base + Debian's redis-server and redis-cli and their libraries (a real Redis for accessories)
 * - postgres: base + Debian's postgresql-15 and an entrypoint like the official image's (postgres-image.ts)
 * - prometheus: base + Debian's prometheus, laid out like the official image (prometheus-image.ts)
 * They are built on the builder engine and pushed to the sandbox registry once; the registry's storage is
 * then kept as a seed in the cache and restored into every later sandbox (blobs hard-linked), so `up` does not
 * rebuild them.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { run, runAsync } from "./exec.js";
import { commandPath, writeBaseContext, writeRuntimeContext } from "./image-context.js";
import { type Layout, registryAddress } from "./layout.js";
import { POSTGRES_MAJOR, postgresEntrypointHash, postgresInputs, writePostgresContext } from "./postgres-image.js";
import { prometheusInputs, prometheusMajor, writePrometheusContext } from "./prometheus-image.js";

/** Bump when the recipe below changes, to invalidate cached seeds. */
const RECIPE_VERSION = 4;

/** Image references in the sandbox registry. */
export interface SandboxImages {
  readonly base: string;
  readonly node: string;
  readonly redis: string;
  readonly postgres: string;
  readonly prometheus: string;
}

/** What the seed in the cache was built from. */
interface SeedInfo {
  readonly key: string;
  readonly images: SandboxImages;
}

/** The image references (repository paths inside the registry, without the registry address). */
export function imagePaths(): SandboxImages {
  const nodeMajor = process.versions.node.split(".")[0];
  return {
    base: "sandbox/busybox:1",
    node: `sandbox/node:${nodeMajor}`,
    redis: `sandbox/redis:${redisMajor()}`,
    postgres: `sandbox/postgres:${POSTGRES_MAJOR}`,
    prometheus: `sandbox/prometheus:${prometheusMajor()}`,
  };
}

/** Full references for the current registry. */
export function imageRefs(layout: Layout): SandboxImages {
  const registry = registryAddress(layout);
  const paths = Object.entries(imagePaths()).map(([name, path]) => [name, `${registry}/${path}`]);
  return Object.fromEntries(paths) as unknown as SandboxImages;
}

/** Directory of the registry storage seed (and its info file). */
function seedDir(layout: Layout): string {
  return join(layout.cacheDir, "registry-seed");
}

/**
 * Before the registry starts: copies a valid cached seed into `registryData`. Returns true when it did
 * (the images are then already in the registry), false when they must be built.
 */
export function restoreSeed(layout: Layout, registryData: string): boolean {
  const infoFile = join(seedDir(layout), "seed.json");
  if (!existsSync(infoFile)) return false;
  const info = JSON.parse(readFileSync(infoFile, "utf8")) as SeedInfo;
  if (info.key !== inputKey() || JSON.stringify(info.images) !== JSON.stringify(imagePaths())) return false;
  restoreTree(join(seedDir(layout), "data"), registryData);
  return true;
}

/**
 * Copies the seed's registry storage into `target`, hard-linking the blobs (most of its ~100 MB): they are
 * content-addressed and the registry never writes one in place (uploads are renamed into place; a blob that
 * exists is not written again; deletes unlink), so the seed's files cannot change through the links. The
 * small files the registry does rewrite in place (tag and layer links, repositories/…) are copied.
 */
function restoreTree(source: string, target: string, inBlobs = false): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) restoreTree(from, to, inBlobs || entry.name === "blobs");
    else if (!inBlobs) copyFileSync(from, to);
    else {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
      }
    }
  }
}

/** Builds the images on the builder engine, pushes them, and stores the registry data as the new seed. */
export async function buildImages({
  layout,
  dockerHost,
  registryData,
  log,
}: {
  layout: Layout;
  dockerHost: string;
  registryData: string;
  log: (line: string) => void;
}): Promise<void> {
  const refs = imageRefs(layout);
  const work = join(layout.stateDir, "images");
  rmSync(work, { recursive: true, force: true });
  const env = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: "0" };

  const base = join(work, "base");
  writeBaseContext(base);
  await runAsync("docker", ["build", "-q", "-t", refs.base, base], { env });
  await runAsync("docker", ["push", "-q", refs.base], { env });
  log(`built and pushed ${refs.base}`);

  const node = join(work, "node");
  writeRuntimeContext(node, [[process.execPath, "/usr/bin/node"]], {
    from: refs.base,
    rest: ['CMD ["node"]'],
  });
  const redis = join(work, "redis");
  writeRuntimeContext(
    redis,
    [
      [commandPath("redis-server"), "/usr/bin/redis-server"],
      [commandPath("redis-cli"), "/usr/bin/redis-cli"],
    ],
    {
      from: refs.base,
      // glibc dlopens libgcc_s for pthread_cancel, which redis uses on shutdown; ldd does not list it
      extraLibraries: ["libgcc_s.so.1"],
      directories: ["data"],
      rest: ["WORKDIR /data", "EXPOSE 6379", 'CMD ["redis-server", "--protected-mode", "no"]'],
    },
  );
  const postgres = join(work, "postgres");
  writePostgresContext(postgres, refs.base);
  const prometheus = join(work, "prometheus");
  writePrometheusContext(prometheus, refs.base);
  await Promise.all(
    [
      [refs.node, node],
      [refs.redis, redis],
      [refs.postgres, postgres],
      [refs.prometheus, prometheus],
    ].map(async ([ref, dir]) => {
      await runAsync("docker", ["build", "-q", "-t", ref!, dir!], { env });
      await runAsync("docker", ["push", "-q", ref!], { env });
      log(`built and pushed ${ref}`);
    }),
  );

  const seed = seedDir(layout);
  rmSync(seed, { recursive: true, force: true });
  mkdirSync(seed, { recursive: true });
  cpSync(registryData, join(seed, "data"), { recursive: true });
  const info: SeedInfo = { key: inputKey(), images: imagePaths() };
  writeFileSync(join(seed, "seed.json"), `${JSON.stringify(info, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
}

function redisMajor(): string {
  const out = run("redis-server", ["--version"], { allowFailure: true }).stdout;
  return /v=(\d+)\./.exec(out)?.[1] ?? "7";
}

/** Identifies the inputs: recipe version, size/mtime of every binary that goes into an image, the entrypoint. */
function inputKey(): string {
  const files = [
    "/bin/busybox",
    process.execPath,
    commandPath("redis-server"),
    commandPath("redis-cli"),
    ...postgresInputs(),
    ...prometheusInputs(),
  ].map((file) => realpathSync(file));
  const parts = files.map((file) => {
    const stat = statSync(file);
    return `${file}:${stat.size}:${stat.mtimeMs}`;
  });
  return [`recipe${RECIPE_VERSION}`, process.version, ...parts, `postgres-entrypoint:${postgresEntrypointHash()}`].join(
    "|",
  );
}
