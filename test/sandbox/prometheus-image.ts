/**
 * @module
 * The build context of the sandbox's Prometheus image: base + Debian's prometheus and promtool, laid out
 * like the official image (/bin/prometheus as the entrypoint, the flags as CMD, runs as nobody, data in the
 * /prometheus volume) with a default /etc/prometheus/prometheus.yml that scrapes Prometheus itself. Mount a
 * file over /etc/prometheus/prometheus.yml (readable by nobody) to configure it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./exec.js";
import { commandPath, writeRuntimeContext } from "./image-context.js";

/** The default configuration: the official image's (Prometheus scraping its own /metrics). */
export const DEFAULT_PROMETHEUS_CONFIG = [
  "global:",
  "  scrape_interval: 15s",
  "  evaluation_interval: 15s",
  "scrape_configs:",
  "  - job_name: prometheus",
  "    static_configs:",
  '      - targets: ["localhost:9090"]',
  "",
].join("\n");

/** The command line the image runs by default (after the /bin/prometheus entrypoint). */
export const PROMETHEUS_FLAGS = [
  "--config.file=/etc/prometheus/prometheus.yml",
  "--storage.tsdb.path=/prometheus",
  "--web.listen-address=:9090",
] as const;

/** Files whose size and mtime decide whether the cached image is still current. */
export function prometheusInputs(): string[] {
  return [commandPath("prometheus"), commandPath("promtool")];
}

/** The major version of the installed prometheus ("2" for Debian 12's 2.42). */
export function prometheusMajor(): string {
  const out = run("prometheus", ["--version"], { allowFailure: true });
  return /version (\d+)\./.exec(out.stdout + out.stderr)?.[1] ?? "2";
}

/** Writes the context (rootfs/ and a Dockerfile) into `dir`. */
export function writePrometheusContext(dir: string, from: string): void {
  const root = writeRuntimeContext(
    dir,
    [
      [commandPath("prometheus"), "/bin/prometheus"],
      [commandPath("promtool"), "/bin/promtool"],
    ],
    {
      from,
      rest: [
        'RUN ["/bin/sh", "-c", "mkdir -p /prometheus && chown -R nobody:nogroup /prometheus"]',
        "USER nobody",
        "WORKDIR /prometheus",
        'VOLUME ["/prometheus"]',
        "EXPOSE 9090",
        'ENTRYPOINT ["/bin/prometheus"]',
        `CMD ${JSON.stringify(PROMETHEUS_FLAGS)}`,
      ],
      directories: ["etc/prometheus"],
    },
  );
  writeFileSync(join(root, "etc/prometheus/prometheus.yml"), DEFAULT_PROMETHEUS_CONFIG);
}
