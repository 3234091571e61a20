import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appBoot, hostBootGroups } from "./boot.js";
import * as app from "../../commands/app.js";
import { redact } from "../../commands/command.js";
import {
  fleetExecutor,
  instantTiming,
  localDocker,
  roundTripsTo,
  TRACE_CONFIG,
} from "../../testing/deploy-fixtures.js";
import { withoutLock } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const isRun = (command: string) => command.startsWith("docker run");

describe("appBoot", () => {
  it("boots the latest tag without --version, as `kamal app boot`", async () => {
    const ctx = testContext({
      raw: TRACE_CONFIG,
      executor: fleetExecutor({ version: "latest" }),
      local: localDocker(),
    });
    await appBoot(ctx, { timing: instantTiming() });
    expect(ctx.logger.text()).toContain("Get most recent version available as an image...");
    expect(ctx.executor.commands("1.1.1.3").find(isRun)).toContain("--name app-workers-latest ");
    // The tag goes out with the reports of the old workers' retirement (started in the boot script), ahead of them.
    expect(ctx.executor.commands("1.1.1.3").slice(-3)).toEqual([
      "docker tag ghcr.io/dhh/app:latest ghcr.io/dhh/app:latest",
      expect.stringMatching(/^wait # sh -c 'set -- \$\(docker inspect .* app-workers-OLD ; \}'\n/),
      expect.stringMatching(
        /^wait # docker container ls --all --filter 'name=\^app-workers-OLD\$' --quiet \| xargs docker stop -t 30\n/,
      ),
    ]);
  });

  it("lets the other roles boot once the first primary-role container is healthy", async () => {
    const raw = { ...TRACE_CONFIG, servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.1", "1.1.1.3"] } } };
    const ctx = testContext({ raw, executor: fleetExecutor(), local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    const host1 = withoutLock(ctx.executor.commands("1.1.1.1")).filter(isRun);
    expect(host1.map((command) => /--name (\S+)/.exec(command)?.[1])).toEqual(["app-web-999", "app-workers-999"]);
    expect(ctx.logger.text()).toContain("1.1.1.1 First web container is healthy on 1.1.1.1, booting any other roles");
    expect(ctx.logger.text()).toContain(
      "1.1.1.3 Waiting for the first healthy web container before booting workers on 1.1.1.3...",
    );
    expect(ctx.logger.text()).toContain("1.1.1.3 First web container is healthy, booting workers on 1.1.1.3...");
  });

  it("closes the barrier when the first primary container fails: logs shown, other roles not booted", async () => {
    const executor = fleetExecutor()
      .respond(/kamal-proxy deploy app-web/, { exitCode: 1, stderr: "target failed to become healthy" })
      .respond(/xargs docker logs --timestamps 2>&1$/, { stdout: "boot log line\n" })
      .respond(/json \.State\.Health/, { stdout: '{"Status":"unhealthy"}\n' });
    const raw = { ...TRACE_CONFIG, servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.3"] } } };
    const ctx = testContext({ raw, executor, local: localDocker() });
    await expect(appBoot(ctx, { version: "999", timing: instantTiming() })).rejects.toThrow(
      /kamal-proxy deploy app-web .* failed on 1\.1\.1\.1/,
    );
    expect(ctx.executor.commands("1.1.1.3").some(isRun)).toBe(false);
    // The boot script stopped at the proxy deploy: the switch after it was sent but never ran.
    const web = ctx.executor.ran("1.1.1.1");
    expect(web).not.toContain("docker network connect --alias app-web kamal app-web-999");
    expect(web).toContain("sh -c 'echo cid-1.1.1.1' | xargs docker logs --timestamps 2>&1");
    expect(web).toContain("docker container ls --all --filter 'name=^app-web-999$' --quiet | xargs docker stop");
    expect(web.some((command) => command.includes("name=^app-web-OLD$' --quiet | xargs docker stop"))).toBe(false);
    const text = ctx.logger.text();
    expect(text).toContain("First web container is unhealthy on 1.1.1.1, not booting any other roles");
    expect(text).toContain("boot log line");
    expect(text).toContain('{"Status":"unhealthy"}');
    expect(text).toContain("1.1.1.3 First web container is unhealthy, not booting workers on 1.1.1.3");
  });

  it("closes the barrier when the primary host fails before booting, so waiting roles do not hang", async () => {
    const executor = fleetExecutor()
      .respond(/^docker container ls --all --filter 'name=\^app-web-999\$' --quiet$/, { stdout: "clash\n" })
      .respond(/^docker rename app-web-999/, { exitCode: 1, stderr: "Error response from daemon: conflict" });
    const raw = { ...TRACE_CONFIG, servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.3"] } } };
    const ctx = testContext({ raw, executor, local: localDocker() });
    await expect(appBoot(ctx, { version: "999", timing: instantTiming() })).rejects.toThrow(
      /docker rename app-web-999/,
    );
    expect(ctx.executor.commands("1.1.1.3").some(isRun)).toBe(false);
    expect(ctx.logger.text()).toContain("First web container is unhealthy, not booting workers on 1.1.1.3");
  });

  it("waits for a role without the proxy on the host, as one step of its boot script, within deploy_timeout", async () => {
    const raw = {
      ...TRACE_CONFIG,
      readiness_delay: 3,
      deploy_timeout: 5,
      servers: { web: ["1.1.1.1"], workers: ["1.1.1.3"] },
    };
    const timing = instantTiming();
    const ctx = testContext({ raw, executor: fleetExecutor(), local: localDocker() });
    await appBoot(ctx, { version: "999", timing });
    const target = { config: ctx.config, role: ctx.config.role("workers")!, host: "1.1.1.3" };
    const wait = redact(app.waitUntilReady(target, { version: "999", deployTimeout: 5, readinessDelay: 3 }));
    expect(wait).toContain("waiting for readiness delay of 3 seconds");
    const boot = roundTripsTo(ctx.executor, "1.1.1.3").find((steps) => steps.some(isRun)) ?? [];
    // After docker run and before the stable name: the switch waits for the loop's exit code.
    expect(boot.indexOf(wait)).toBe(boot.findIndex(isRun) + 1);
    expect(boot[boot.indexOf(wait) + 1]).toBe("docker network connect --alias app-workers kamal app-workers-999");
    // No polling from here: no sleeps, and the status is not asked in a round trip of its own.
    expect(timing.slept).toEqual([]);
    expect(
      ctx.executor.calls.some((call) => call.kind === "run" && call.redacted.includes("xargs docker inspect")),
    ).toBe(false);
    expect(ctx.logger.text()).toContain("1.1.1.3 Container is healthy!");
  });

  it("fails a role that never becomes ready, stopping only the new container", async () => {
    const raw = {
      ...TRACE_CONFIG,
      readiness_delay: 0,
      deploy_timeout: 4,
      servers: { web: ["1.1.1.1"], workers: ["1.1.1.3"] },
    };
    // The wait loop on the host gives up, naming the last status.
    const executor = fleetExecutor().respond(/^sh -c 'end=\$\(\( \$\(date \+%s\) \+ 4 \)\)/, {
      exitCode: 1,
      stderr: "container not ready after 4 seconds (exited)\n",
    });
    const timing = instantTiming();
    const ctx = testContext({ raw, executor, local: localDocker() });
    await expect(appBoot(ctx, { version: "999", timing })).rejects.toThrow(
      "container not ready after 4 seconds (exited)",
    );
    expect(timing.slept).toEqual([]);
    const commands = ctx.executor.ran("1.1.1.3");
    expect(commands).toContain(
      "docker container ls --all --filter 'name=^app-workers-999$' --quiet | xargs docker stop -t 30",
    );
    expect(commands).not.toContain("docker network connect --alias app-workers kamal app-workers-999");
    expect(commands.some((command) => command.includes("app-workers-OLD$' --quiet | xargs docker stop"))).toBe(false);
    expect(ctx.logger.text()).toContain(
      "Failed to boot workers on 1.1.1.3: container not ready after 4 seconds (exited)",
    );
  });

  it("boots in boot.limit groups, primary hosts first, with hooks per group and boot.wait between", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-boot-"));
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    for (const name of ["pre-app-boot", "post-app-boot"]) writeFileSync(join(cwd, ".kamal/hooks", name), "");
    const raw = {
      ...TRACE_CONFIG,
      servers: { workers: { hosts: ["1.1.1.3"] }, web: ["1.1.1.1", "1.1.1.2"] },
      boot: { limit: 2, wait: 4 },
    };
    const local = localDocker();
    const timing = instantTiming();
    const ctx = testContext({ raw, executor: fleetExecutor(), local, cwd });
    await appBoot(ctx, { version: "999", timing });
    const hooks = local.calls.filter((call) => call.file.includes("app-boot"));
    expect(hooks.map((call) => [call.file.split("/").at(-1), call.env?.["KAMAL_HOSTS"]])).toEqual([
      ["pre-app-boot", "1.1.1.1,1.1.1.2"],
      ["post-app-boot", "1.1.1.1,1.1.1.2"],
      ["pre-app-boot", "1.1.1.3"],
      ["post-app-boot", "1.1.1.3"],
    ]);
    expect(timing.slept).toEqual([4000, 4000]);
    expect(hostBootGroups(ctx, "web")).toEqual([["1.1.1.1", "1.1.1.2"], ["1.1.1.3"]]);
  });

  it("boots roles of one host at once with boot.parallel_roles", async () => {
    const raw = {
      ...TRACE_CONFIG,
      servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.1"] } },
      boot: { parallel_roles: true },
    };
    const ctx = testContext({ raw, executor: fleetExecutor(), local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    const runs = ctx.executor.commands("1.1.1.1").filter(isRun);
    expect(runs).toHaveLength(2);
    // The workers boot waited at the barrier for web, but both were started in parallel.
    expect(ctx.logger.text()).toContain(
      "Waiting for the first healthy web container before booting workers on 1.1.1.1...",
    );
  });

  it("with boot.parallel_roles, keeps each failed boot's Docker reason in the aggregate", async () => {
    const raw = {
      ...TRACE_CONFIG,
      servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.1", "1.1.1.3"] } },
      boot: { parallel_roles: true },
    };
    const reason =
      'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "bin/jobs": stat bin/jobs: no such file or directory: unknown';
    const executor = fleetExecutor().respond(/^docker run --detach .*--name app-workers-999 /, {
      exitCode: 127,
      stderr: `${reason}.\nRun 'docker run --help' for more information\n`,
    });
    const ctx = testContext({ raw, executor, local: localDocker() });
    const error = await appBoot(ctx, { version: "999", timing: instantTiming() }).catch((e: unknown) => e as Error);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Exceptions on 2 hosts:");
    expect(lines.filter((line) => / failed on 1\.1\.1\.[13] \(exit 127: command not found\)$/.test(line))).toHaveLength(
      2,
    );
    expect(lines.filter((line) => line === `  ${reason}.`)).toHaveLength(2);
    expect(lines.some((line) => line.includes("--help"))).toBe(false);
  });

  it("renames a container that already has the version", async () => {
    const executor = fleetExecutor().respond(
      /^docker container ls --all --filter 'name=\^app-workers-999\$' --quiet$/,
      {
        stdout: "clash\n",
      },
    );
    const raw = { ...TRACE_CONFIG, servers: { web: ["1.1.1.1"], workers: ["1.1.1.3"] } };
    const ctx = testContext({ raw, executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    const [gather, boot] = roundTripsTo(ctx.executor, "1.1.1.3").filter((steps) => !steps.includes("mkdir -p .kamal"));
    // The clash is found by the gather step, and the rename leads the role's boot script.
    expect(gather).toContain("docker container ls --all --filter 'name=^app-workers-999$' --quiet");
    expect(boot?.filter((c) => !c.includes("network create dhow")).slice(0, 3)).toEqual([
      'mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] [workers] Renaming container 999 to 999_replaced_a1b2c3d4e5f6a7b8" >> .kamal/app-audit.log',
      "docker rename app-workers-999 app-workers-999_replaced_a1b2c3d4e5f6a7b8",
      'mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] [workers] Booted app version 999" >> .kamal/app-audit.log',
    ]);
    expect(ctx.logger.text()).toContain(
      "Renaming container 999 to 999_replaced_a1b2c3d4e5f6a7b8 as already deployed on 1.1.1.3",
    );
  });

  it("writes error pages and custom TLS certificates in the boot script before docker run, and cleans old error pages after", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-pages-"));
    mkdirSync(join(cwd, "public"));
    for (const page of ["404.html", "502.html", "index.html"]) writeFileSync(join(cwd, "public", page), page);
    const raw = {
      ...TRACE_CONFIG,
      servers: { web: ["1.1.1.1"] },
      error_pages_path: "public",
      proxy: { host: "app.example.com", app_port: 3000, ssl: { certificate_pem: "CERT", private_key_pem: "KEY" } },
    };
    const ctx = testContext({
      raw,
      executor: fleetExecutor(),
      local: localDocker(),
      cwd,
      secrets: { CERT: "cert-pem", KEY: "key-pem" },
    });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    // No SFTP any more: every file travels inside the boot script.
    expect(ctx.executor.calls.some((call) => call.kind === "upload")).toBe(false);
    const boot = roundTripsTo(ctx.executor, "1.1.1.1").find((steps) => steps.some(isRun)) ?? [];
    const before = boot.slice(0, boot.findIndex(isRun));
    const tls = ".kamal/proxy/apps-config/app/tls/web";
    expect(before).toEqual(
      expect.arrayContaining([
        "mkdir -p .kamal/proxy/apps-config/app/error_pages",
        "mkdir -p .kamal/proxy/apps-config/app/error_pages/999 && chmod 755 .kamal/proxy/apps-config/app/error_pages/999",
        expect.stringMatching(
          /&& chmod 644 \.kamal\/proxy\/apps-config\/app\/error_pages\/999\/404\.html && printf %s '/,
        ),
        `mkdir -p ${tls}`,
        `mkdir -p ${tls} && touch ${tls}/cert.pem && chmod 644 ${tls}/cert.pem && printf %s [REDACTED] | base64 -d > ${tls}/cert.pem`,
        `mkdir -p ${tls} && touch ${tls}/key.pem && chmod 644 ${tls}/key.pem && printf %s [REDACTED] | base64 -d > ${tls}/key.pem`,
      ]),
    );
    expect(ctx.executor.files.get("1.1.1.1:.kamal/proxy/apps-config/app/error_pages/999/404.html")).toEqual({
      content: Buffer.from("404.html"),
      mode: 0o644,
    });
    expect(ctx.executor.files.has("1.1.1.1:.kamal/proxy/apps-config/app/error_pages/999/index.html")).toBe(false);
    expect(ctx.executor.files.get(`1.1.1.1:${tls}/key.pem`)?.content.toString()).toBe("key-pem");
    expect(boot.find((line) => line.includes("kamal-proxy deploy"))).toContain(
      '--tls --tls-certificate-path="/home/kamal-proxy/.apps-config/app/tls/web/cert.pem"',
    );
    expect(boot.at(-1)).toBe(
      "find .kamal/proxy/apps-config/app/error_pages -mindepth 1 -maxdepth 1 ! -name 999 -exec rm -rf {} +",
    );
    expect(ctx.executor.commands().join("\n")).not.toContain("key-pem");
  });
});
