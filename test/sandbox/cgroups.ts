/**
 * @module
 * Every sandbox process tree (a node's sshd, dockerd, containerd, shims and — through dockerd's
 * cgroup-parent — its containers; the registry; the delayer) lives in cgroup `<prefix>/<name>`. That gives
 * per-node memory figures and a cleanup that kills everything, even after a crashed `up`.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "./exec.js";

/** Mount points of all cgroup hierarchies, with whether each is cgroup2 and its controllers (v1). */
interface Hierarchy {
  readonly mountPoint: string;
  readonly v2: boolean;
  readonly options: readonly string[];
}

/** The cgroup hierarchies mounted on this machine. */
export function hierarchies(): Hierarchy[] {
  const found: Hierarchy[] = [];
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const fields = line.split(" ");
    const dash = fields.indexOf("-");
    if (dash < 0) continue;
    const fsType = fields[dash + 1];
    if (fsType !== "cgroup" && fsType !== "cgroup2") continue;
    found.push({
      mountPoint: fields[4]!,
      v2: fsType === "cgroup2",
      options: (fields[dash + 3] ?? "").split(","),
    });
  }
  return found;
}

/** True when the machine has only the unified (v2) hierarchy. */
export function cgroupV2Only(): boolean {
  const all = hierarchies();
  return all.length > 0 && all.every((h) => h.v2);
}

/** The hierarchies a process is placed into: cgroup2 (if any) plus v1 memory and pids. */
export function trackingHierarchies(): string[] {
  return hierarchies()
    .filter((h) => h.v2 || h.options.includes("memory") || h.options.includes("pids"))
    .map((h) => h.mountPoint);
}

/** The `cgroup.procs` files a launcher writes its pid to, creating the groups (`<prefix>/<name>`). */
export function procsFiles(prefix: string, name: string): string[] {
  return trackingHierarchies().map((root) => join(root, prefix, name, "cgroup.procs"));
}

/** All pids in cgroup `<prefix>/<name>` (or the whole `<prefix>` tree when name is ""), recursively. */
export function pidsIn(prefix: string, name: string): number[] {
  const pids = new Set<number>();
  for (const root of trackingHierarchies()) {
    for (const file of procsFilesBelow(join(root, prefix, name))) {
      for (const line of safeRead(file).split("\n")) {
        const pid = Number(line);
        if (pid > 0) pids.add(pid);
      }
    }
  }
  return [...pids];
}

/** SIGKILLs everything in cgroup `<prefix>/<name>` until it is empty, then removes its directories. */
export async function killCgroup(prefix: string, name: string): Promise<void> {
  for (let pass = 0; pass < 50; pass++) {
    const pids = pidsIn(prefix, name);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await sleep(50);
  }
  removeCgroupDirs(prefix, name);
}

/** Memory charged to cgroup `<prefix>/<name>`, in MiB, or undefined when unknown. */
export function memoryMiB(prefix: string, name: string): number | undefined {
  for (const h of hierarchies()) {
    const file = h.v2
      ? join(h.mountPoint, prefix, name, "memory.current")
      : h.options.includes("memory")
        ? join(h.mountPoint, prefix, name, "memory.usage_in_bytes")
        : undefined;
    if (file && existsSync(file)) return Math.round(Number(safeRead(file)) / 1048576);
  }
  return undefined;
}

/** Removes `<prefix>/<name>` (depth first) in every hierarchy, including the ones dockerd created dirs in. */
export function removeCgroupDirs(prefix: string, name: string): void {
  for (const h of hierarchies()) {
    const dir = join(h.mountPoint, prefix, name);
    for (const sub of directoriesDepthFirst(dir)) {
      try {
        rmdirSync(sub);
      } catch {
        // busy or gone
      }
    }
    if (name !== "") {
      try {
        rmdirSync(join(h.mountPoint, prefix));
      } catch {
        // other nodes still there
      }
    }
  }
}

function procsFilesBelow(dir: string): string[] {
  return directoriesDepthFirst(dir).map((d) => join(d, "cgroup.procs"));
}

function directoriesDepthFirst(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (isDirectory(path)) out.push(...directoriesDepthFirst(path));
  }
  out.push(dir);
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
