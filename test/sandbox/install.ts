/**
 * @module
 * Checks that the programs the sandbox runs are installed and, as root on Debian, installs the missing
 * Debian packages with apt; otherwise says exactly what to install.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { hasCommand, run } from "./exec.js";

/** One program the sandbox needs and the Debian package that provides it. */
interface Requirement {
  readonly command: string;
  readonly pkg: string;
  /** Only needed for some subcommands (e.g. the delay fallback). */
  readonly optional?: boolean;
}

/** Everything `up` runs, by Debian package. */
const REQUIREMENTS: readonly Requirement[] = [
  { command: "dockerd", pkg: "docker.io" },
  { command: "containerd", pkg: "docker.io" },
  { command: "docker", pkg: "docker.io" },
  { command: "/usr/sbin/sshd", pkg: "openssh-server" },
  { command: "/usr/lib/openssh/sftp-server", pkg: "openssh-server" },
  { command: "ssh", pkg: "openssh-client" },
  { command: "ssh-keygen", pkg: "openssh-client" },
  { command: "docker-registry", pkg: "docker-registry" },
  { command: "/bin/busybox", pkg: "busybox-static" },
  { command: "redis-server", pkg: "redis-server" },
  { command: "redis-cli", pkg: "redis-server" },
  { command: "/usr/lib/postgresql/15/bin/postgres", pkg: "postgresql-15" },
  { command: "/usr/lib/postgresql/15/bin/initdb", pkg: "postgresql-15" },
  { command: "/usr/lib/postgresql/15/bin/pg_ctl", pkg: "postgresql-15" },
  { command: "/usr/lib/postgresql/15/bin/psql", pkg: "postgresql-client-15" },
  { command: "/usr/lib/postgresql/15/bin/pg_isready", pkg: "postgresql-client-15" },
  { command: "prometheus", pkg: "prometheus" },
  { command: "promtool", pkg: "prometheus" },
  { command: "iptables", pkg: "iptables" },
  { command: "ip", pkg: "iproute2" },
  { command: "nsenter", pkg: "util-linux" },
  { command: "unshare", pkg: "util-linux" },
  { command: "setsid", pkg: "util-linux" },
  { command: "ldd", pkg: "libc-bin" },
  { command: "/usr/bin/python3", pkg: "python3", optional: true },
];

/** The Debian packages whose programs are missing (the optional ones only when asked). */
export function missingPackages({ withOptional = false }: { withOptional?: boolean } = {}): string[] {
  const missing = new Set<string>();
  for (const requirement of REQUIREMENTS) {
    if (requirement.optional && !withOptional) continue;
    if (!hasCommand(requirement.command)) missing.add(requirement.pkg);
  }
  // busybox-static, not the dynamic busybox: the base image is FROM scratch
  if (!missing.has("busybox-static") && !isStatic("/bin/busybox")) missing.add("busybox-static");
  return [...missing];
}

/** The apt command line that installs the given packages. */
export function aptCommand(packages: readonly string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

/**
 * Installs what is missing when running as root on a Debian-like system (apt-get present); throws with the
 * exact command to run otherwise. Services are not started by the packages' install scripts.
 */
export function ensureInstalled({
  withOptional = false,
  log,
}: {
  withOptional?: boolean;
  log: (line: string) => void;
}): void {
  const missing = missingPackages({ withOptional });
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !hasCommand("apt-get")) {
    throw new Error(
      `the sandbox needs these Debian packages: ${missing.join(" ")}\n` +
        `install them as root with:\n  ${aptCommand(missing)}`,
    );
  }
  log(`installing ${missing.join(" ")} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // policy-rc.d exit 101 = "do not start services": the packages' own sshd, dockerd, registry, redis,
  // postgres and prometheus must not start on the host (they would listen on the host's interfaces).
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    run("apt-get", ["update", "-qq"], { env, timeoutMs: 300_000 });
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env, timeoutMs: 900_000 });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const still = missingPackages({ withOptional });
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(" ")}`);
}

function isStatic(path: string): boolean {
  if (!existsSync(path)) return false;
  const out = run("ldd", [path], { allowFailure: true });
  return /not a dynamic executable|statically linked/.test(out.stdout + out.stderr);
}
