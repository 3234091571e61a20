import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shopWebTarget } from "../../testing/app-target.js";
import { render } from "../command.js";
import { waitUntilReady } from "./health-wait.js";

/** Runs the loop with a fake `docker` on PATH answering the statuses in turn (then repeating the last). */
function runWith(statuses: string[], options: { deployTimeout: number; readinessDelay: number }) {
  const dir = mkdtempSync(join(tmpdir(), "health-wait-"));
  const docker = join(dir, "docker");
  writeFileSync(join(dir, "answers"), `${statuses.join("\n")}\n`);
  writeFileSync(
    docker,
    `#!/bin/sh\ncase "$*" in *inspect*) n=$(cat ${dir}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${dir}/n; sed -n "\${n}p" ${dir}/answers | grep . || tail -n 1 ${dir}/answers ;; *) cat >/dev/null; echo abc ;; esac\n`,
  );
  chmodSync(docker, 0o755);
  const command = render(waitUntilReady(shopWebTarget(), { version: "999", ...options }));
  const result = spawnSync("sh", ["-c", command], { env: { ...process.env, PATH: `${dir}:${process.env["PATH"]}` } });
  return { ...result, stderr: String(result.stderr) };
}

describe("waitUntilReady", () => {
  it("accepts healthy at once", () => {
    expect(runWith(["healthy"], { deployTimeout: 5, readinessDelay: 0 }).status).toBe(0);
  });

  it("retries while starting, then accepts running", () => {
    const result = runWith(["starting", "running"], { deployTimeout: 10, readinessDelay: 0 });
    expect(result.status).toBe(0);
  });

  it("gives up after the deploy timeout, naming the last status", () => {
    const result = runWith(["unhealthy"], { deployTimeout: 1, readinessDelay: 0 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("container not ready after 1 seconds (unhealthy)");
  });

  it("checks running again after the readiness delay", () => {
    const result = runWith(["running", "exited"], { deployTimeout: 1, readinessDelay: 1 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("(exited)");
  });

  it("is one sh -c word", () => {
    expect(render(waitUntilReady(shopWebTarget(), { version: "1", deployTimeout: 30, readinessDelay: 7 }))).toMatch(
      /^sh -c '.*readiness delay of 7 seconds.*'$/s,
    );
  });
});
