/**
 * @module
 * The build context of the sandbox's Postgres image: base + Debian's postgresql-15 server and client
 * binaries, their extension libraries, share files, time zones and the C.UTF-8 locale, a `postgres` user
 * (uid 999, as in the official image) and postgres-entrypoint.sh, which does what users rely on in the
 * official image's entrypoint (initdb on first start, POSTGRES_PASSWORD/USER/DB, password auth for
 * non-local connections, runs as postgres, fast shutdown on SIGTERM).
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BASE_GROUP, BASE_PASSWD, writeRuntimeContext } from "./image-context.js";
import { SOURCE_DIR } from "./layout.js";

/** The Debian package and where it keeps its files. */
export const POSTGRES_MAJOR = "15";
const BIN = `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`;
const LIB = `/usr/lib/postgresql/${POSTGRES_MAJOR}/lib`;
const SHARE = `/usr/share/postgresql/${POSTGRES_MAJOR}`;

/** The entrypoint script (a sibling of this module's source). */
const ENTRYPOINT = join(SOURCE_DIR, "postgres-entrypoint.sh");

/** The server, initdb and pg_ctl, and the clients people use inside the container. */
const PROGRAMS = [
  "postgres",
  "initdb",
  "pg_ctl",
  "pg_isready",
  "psql",
  "pg_dump",
  "pg_dumpall",
  "pg_restore",
  "createdb",
  "createuser",
  "dropdb",
  "dropuser",
] as const;

/** Files whose size and mtime decide whether the cached image is still current. */
export function postgresInputs(): string[] {
  return [join(BIN, "postgres"), join(BIN, "psql"), join(SHARE, "postgres.bki")];
}

/** The entrypoint's content hash (not its mtime, which every checkout changes), for the cache key. */
export function postgresEntrypointHash(): string {
  return createHash("sha256").update(readFileSync(ENTRYPOINT)).digest("hex").slice(0, 16);
}

/** The official image's uid/gid for the postgres user. */
const UID = 999;

/** Where the data lives (the volume). */
const DATA = "/var/lib/postgresql/data";

/** Writes the context (rootfs/ and a Dockerfile) into `dir`. */
export function writePostgresContext(dir: string, from: string): void {
  const files: [string, string][] = PROGRAMS.map((name) => [join(BIN, name), join(BIN, name)]);
  // Extension and encoding-conversion modules (initdb loads dict_snowball and plpgsql). Not llvmjit: it needs
  // the 100 MB libLLVM, and without it the server simply runs without JIT.
  for (const name of readdirSync(LIB)) {
    if (name.endsWith(".so") && !name.startsWith("llvmjit")) files.push([join(LIB, name), join(LIB, name)]);
  }
  const root = writeRuntimeContext(dir, files, {
    from,
    extraLibraries: ["libgcc_s.so.1"],
    rest: [
      // the postgres user's home, data and socket directories (3777: anyone may create a socket there,
      // nobody may delete another's), as in the official image, so that `--user postgres` works too
      `RUN ["/bin/sh", "-c", "mkdir -p ${DATA} /var/run/postgresql && chown -R ${UID}:${UID} /var/lib/postgresql /var/run/postgresql && chmod 700 ${DATA} && chmod 3777 /var/run/postgresql"]`,
      `ENV PATH=${BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 PGDATA=${DATA}`,
      `VOLUME ${DATA}`,
      'ENTRYPOINT ["docker-entrypoint.sh"]',
      // the official image's stop signal: a fast shutdown (the entrypoint turns SIGTERM into one too)
      "STOPSIGNAL SIGINT",
      "EXPOSE 5432",
      'CMD ["postgres"]',
    ],
  });

  cpSync(SHARE, join(root, SHARE), {
    recursive: true,
    filter: (source) => source !== join(SHARE, "man"),
  });
  // listen on every address, as the official image does (it edits the same template)
  const sample = readFileSync(join(SHARE, "postgresql.conf.sample"), "utf8");
  const listening = sample.replace(/^#?listen_addresses\s*=\s*\S+/m, "listen_addresses = '*'");
  if (listening === sample) throw new Error(`no listen_addresses line in ${SHARE}/postgresql.conf.sample`);
  writeFileSync(join(root, SHARE, "postgresql.conf.sample"), listening);
  // the time zone database (Debian's postgres uses the system's) and the locale initdb gets from LANG
  cpSync("/usr/share/zoneinfo", join(root, "usr/share/zoneinfo"), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => source !== "/usr/share/zoneinfo/right",
  });
  if (existsSync("/usr/lib/locale/C.utf8")) {
    cpSync("/usr/lib/locale/C.utf8", join(root, "usr/lib/locale/C.utf8"), { recursive: true });
  }

  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(
    join(root, "etc/passwd"),
    [...BASE_PASSWD, `postgres:x:${UID}:${UID}::/var/lib/postgresql:/bin/sh`, ""].join("\n"),
  );
  writeFileSync(join(root, "etc/group"), [...BASE_GROUP, `postgres:x:${UID}:`, ""].join("\n"));
  mkdirSync(join(root, "usr/local/bin"), { recursive: true });
  writeFileSync(join(root, "usr/local/bin/docker-entrypoint.sh"), readFileSync(ENTRYPOINT), { mode: 0o755 });
  mkdirSync(join(root, "docker-entrypoint-initdb.d"), { recursive: true });
}
