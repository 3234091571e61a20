/**
 * @module
 * The base images, made from this machine's own binaries because there is no Docker Hub here:
 * - base:  FROM scratch + busybox-static and its applets (sh, httpd, nc, wget, …), /etc/passwd, /tmp
 * - node:  base + this machine's node binary and the shared libraries `ldd` lists
 * - redis: base + Debian's redis-server and redis-cli and their libraries (a real Redis for accessories)
 * They are built on the builder engine and pushed to the sandbox registry once; the registry's storage is
 * then kept as a seed in the cache and copied into every later sandbox, so `up` does not rebuild them.
 */
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { run, runAsync } from "./exec.js";
import { type Layout, registryAddress } from "./layout.js";

/** Bump when the recipe below changes, to invalidate cached seeds. */
const RECIPE_VERSION = 3;

/** Image references in the sandbox registry. */
export interface SandboxImages {
  readonly base: string;
  readonly node: string;
  readonly redis: string;
}

/** What the seed in the cache was built from. */
interface SeedInfo {
  readonly key: string;
  readonly images: { readonly base: string; readonly node: string; readonly redis: string };
}

/** The image references (repository paths inside the registry, without the registry address). */
export function imagePaths(): { base: string; node: string; redis: string } {
  const nodeMajor = process.versions.node.split(".")[0];
  return {
    base: "sandbox/busybox:1",
    node: `sandbox/node:${nodeMajor}`,
    redis: `sandbox/redis:${redisMajor()}`,
  };
}

/** Full references for the current registry. */
export function imageRefs(layout: Layout): SandboxImages {
  const paths = imagePaths();
  const registry = registryAddress(layout);
  return { base: `${registry}/${paths.base}`, node: `${registry}/${paths.node}`, redis: `${registry}/${paths.redis}` };
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
  cpSync(join(seedDir(layout), "data"), registryData, { recursive: true });
  return true;
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
  await Promise.all(
    [
      [refs.node, node],
      [refs.redis, redis],
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

/** FROM scratch: /bin/busybox plus a symlink per applet, a root user, /tmp, and nothing else. */
function writeBaseContext(dir: string): void {
  const root = join(dir, "rootfs");
  for (const sub of ["bin", "etc", "root", "tmp", "usr/bin", "usr/sbin", "sbin", "var/www", "var/run"]) {
    mkdirSync(join(root, sub), { recursive: true });
  }
  run("chmod", ["1777", join(root, "tmp")]);
  placeFile("/bin/busybox", join(root, "bin", "busybox"));
  const applets = run("/bin/busybox", ["--list"])
    .stdout.split("\n")
    .filter((name) => /^[\w.[-]+$/.test(name));
  for (const applet of applets) {
    if (applet !== "busybox") symlinkSync("busybox", join(root, "bin", applet));
  }
  writeFileSync(
    join(root, "etc", "passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
  );
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
  writeFileSync(join(root, "etc", "hosts"), "127.0.0.1 localhost\n");
  writeFileSync(
    join(dir, "Dockerfile"),
    [
      "FROM scratch",
      "COPY rootfs/ /",
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      'CMD ["/bin/sh"]',
      "",
    ].join("\n"),
  );
}

/** base + the given binaries ([source, path in the image]) + every shared library `ldd` lists for them. */
function writeRuntimeContext(
  dir: string,
  binaries: readonly (readonly [string, string])[],
  {
    from,
    rest,
    extraLibraries = [],
    directories = [],
  }: { from: string; rest: readonly string[]; extraLibraries?: readonly string[]; directories?: readonly string[] },
): void {
  const root = join(dir, "rootfs");
  const libraries = new Set<string>();
  for (const [source, target] of binaries) {
    placeFile(source, join(root, target));
    for (const lib of lddPaths(source)) libraries.add(lib);
  }
  for (const sub of directories) mkdirSync(join(root, sub), { recursive: true });
  for (const name of extraLibraries) {
    const found = [...libraries].map((lib) => join(dirname(lib), name)).find((path) => existsSync(path));
    if (found) libraries.add(found);
  }
  for (const lib of libraries) placeFile(lib, join(root, lib));
  writeFileSync(join(dir, "Dockerfile"), [`FROM ${from}`, "COPY rootfs/ /", ...rest, ""].join("\n"));
}

/** Absolute library paths `ldd` resolves for a binary (including the dynamic loader). */
function lddPaths(binary: string): string[] {
  const out = run("ldd", [binary]).stdout;
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

/** Hard-links (same filesystem) or copies a file, following symlinks, creating parent dirs. */
function placeFile(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const real = realpathSync(source);
  try {
    linkSync(real, target);
  } catch {
    cpSync(real, target);
  }
}

function commandPath(name: string): string {
  return run("sh", ["-c", 'command -v "$1"', "sh", name]).stdout.trim();
}

function redisMajor(): string {
  const out = run("redis-server", ["--version"], { allowFailure: true }).stdout;
  return /v=(\d+)\./.exec(out)?.[1] ?? "7";
}

/** Identifies the inputs: recipe version and size/mtime of every binary that goes into an image. */
function inputKey(): string {
  const files = ["/bin/busybox", process.execPath, commandPath("redis-server"), commandPath("redis-cli")].map((file) =>
    realpathSync(file),
  );
  const parts = files.map((file) => {
    const stat = statSync(file);
    return `${file}:${stat.size}:${stat.mtimeMs}`;
  });
  return [`recipe${RECIPE_VERSION}`, process.version, ...parts].join("|");
}
