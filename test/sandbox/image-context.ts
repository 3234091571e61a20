/**
 * @module
 * Build contexts for the sandbox images, made from this machine's own files (there is no Docker Hub here):
 * a root filesystem under `<dir>/rootfs` plus a Dockerfile. Files are hard-linked when they can be (same
 * filesystem) and copied otherwise; a file that the image needs changed is written, never linked, so the
 * host's copy is never touched.
 */
import { cpSync, existsSync, linkSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { run } from "./exec.js";

/** /etc/passwd and /etc/group lines of the base image; images that add a user start from these. */
export const BASE_PASSWD = ["root:x:0:0:root:/root:/bin/sh", "nobody:x:65534:65534:nobody:/:/bin/false"] as const;
export const BASE_GROUP = ["root:x:0:", "nogroup:x:65534:"] as const;

/** FROM scratch: /bin/busybox plus a symlink per applet, a root user, /tmp, and nothing else. */
export function writeBaseContext(dir: string): void {
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
  writeFileSync(join(root, "etc", "passwd"), `${BASE_PASSWD.join("\n")}\n`);
  writeFileSync(join(root, "etc", "group"), `${BASE_GROUP.join("\n")}\n`);
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

/** Options of `writeRuntimeContext`. */
export interface RuntimeContextOptions {
  /** The image to build FROM (the base image). */
  readonly from: string;
  /** Dockerfile lines after `COPY rootfs/ /`. */
  readonly rest: readonly string[];
  /** Libraries loaded with dlopen (so `ldd` does not list them), looked up beside the listed ones. */
  readonly extraLibraries?: readonly string[];
  /** Empty directories to create in the image. */
  readonly directories?: readonly string[];
}

/**
 * base + the given files ([source, path in the image]) + every shared library `ldd` lists for those that are
 * dynamic executables or libraries. Returns the rootfs directory, for callers that add more.
 */
export function writeRuntimeContext(
  dir: string,
  files: readonly (readonly [string, string])[],
  { from, rest, extraLibraries = [], directories = [] }: RuntimeContextOptions,
): string {
  const root = join(dir, "rootfs");
  const libraries = new Set<string>();
  for (const [source, target] of files) {
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
  return root;
}

/** Absolute library paths `ldd` resolves for a binary (including the dynamic loader); none for static files. */
export function lddPaths(binary: string): string[] {
  const out = run("ldd", [binary], { allowFailure: true }).stdout;
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

/** Hard-links (same filesystem) or copies a file, following symlinks, creating parent dirs. */
export function placeFile(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const real = realpathSync(source);
  try {
    linkSync(real, target);
  } catch {
    cpSync(real, target);
  }
}

/** The absolute path of a program on PATH, or "" when there is none. */
export function commandPath(name: string): string {
  return run("sh", ["-c", 'command -v "$1"', "sh", name], { allowFailure: true }).stdout.trim();
}
