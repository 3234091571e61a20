import { describe, expect, it } from "vitest";
import { InterruptedError } from "../../errors.js";
import type { RecordedRequest } from "../../testing/recording-executor.js";
import { deploy } from "./deploy.js";
import { BUILD_FACTS, fleetExecutor, instantTiming, localDocker, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { Interruption } from "../runtime/interruption.js";
import { LOCK_RELEASE } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

/** Commands that keep a host consistent and may still be sent after Ctrl-C. */
const CLEANUP = [
  /xargs docker stop/,
  /^docker network connect --alias app-web kamal app-web-999$/,
  /docker network disconnect kamal app-web-OLD ; }'$/,
  /^find \.kamal\/apps\/app\/assets/,
  /^docker tag ghcr\.io\/dhh\/app:999 ghcr\.io\/dhh\/app:latest$/,
  /Tagging ghcr\.io\/dhh\/app:999 as the latest image/,
  /^rm \.kamal\/lock-app\/details/,
];

/**
 * A deploy of TRACE_CONFIG where Ctrl-C arrives while the first step matching `when` runs. `after` is what was
 * sent after it: the rest of the script it ran in (already on the host, so it runs to its end) is left out.
 */
async function interruptedDeploy(
  when: (request: RecordedRequest) => boolean,
  answer: (request: RecordedRequest) => { exitCode?: number } = () => ({}),
) {
  const interruption = new Interruption();
  const executor = fleetExecutor();
  let inFlight: number | undefined;
  executor.respond(when, (request) => {
    if (inFlight === undefined) {
      inFlight = executor.calls.length - 1;
      interruption.request();
    }
    return answer(request);
  });
  const ctx = testContext({ raw: TRACE_CONFIG, executor, local: localDocker(), interruption });
  const error = await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() }).catch((e: unknown) => e);
  const after = executor.calls
    .slice((inFlight ?? executor.calls.length) + 1)
    .flatMap((call) =>
      call.kind === "script"
        ? [...(call.steps ?? [])].map((step) => ({ host: call.host, command: step }))
        : [{ host: call.host, command: call.redacted }],
    );
  return { error, executor, ctx, after };
}

/** A step on one host matching a pattern. */
const on =
  (host: string, pattern: RegExp) =>
  (request: RecordedRequest): boolean =>
    request.host === host && pattern.test(request.command);
/** A step on any host matching a pattern. */
const any =
  (pattern: RegExp) =>
  (request: RecordedRequest): boolean =>
    pattern.test(request.command);

describe("Ctrl-C during a deploy", () => {
  it("lets an in-flight boot script finish its switch, starts nothing new and reports each host", async () => {
    // Ctrl-C while the second web host's proxy deploy runs (the first host's boot script ran before it).
    const { error, executor, ctx, after } = await interruptedDeploy(on("1.1.1.2", /kamal-proxy deploy app-web/));
    expect(error).toBeInstanceOf(InterruptedError);

    // Both web hosts had sent their boot script: each finished its switch (old stopped, latest tagged).
    for (const host of ["1.1.1.1", "1.1.1.2"]) {
      const commands = executor.ran(host);
      expect(commands).toContain("docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop");
      // The stable name moved to the switched container before the old one stopped.
      const joined = commands.indexOf("docker network connect --alias app-web kamal app-web-999");
      expect(joined).toBeGreaterThan(-1);
      expect(joined).toBeLessThan(
        commands.findIndex((c) => c.endsWith("docker network disconnect kamal app-web-OLD ; }'")),
      );
      expect(commands).toContain("docker tag ghcr.io/dhh/app:999 ghcr.io/dhh/app:latest");
    }
    // The workers never booted: they were waiting at the barrier.
    expect(executor.commands("1.1.1.3").some((c) => c.startsWith("docker run"))).toBe(false);
    expect(executor.commands("1.1.1.3")).not.toContain("docker tag ghcr.io/dhh/app:999 ghcr.io/dhh/app:latest");
    // After Ctrl-C only cleanup went out, ending with the lock release; no prune, no new container.
    expect(after.length).toBeGreaterThan(0);
    for (const { command } of after) {
      expect(
        CLEANUP.some((pattern) => pattern.test(command)),
        `sent after Ctrl-C: ${command}`,
      ).toBe(true);
    }
    expect(after.at(-1)?.command).toBe(LOCK_RELEASE);

    const text = ctx.logger.text();
    expect(text).toContain("1.1.1.1 web: new version 999 (switched, tagged latest)");
    expect(text).toContain("1.1.1.2 web: new version 999 (switched, tagged latest)");
    expect(text).toContain("1.1.1.3 workers: previous version OLD (new version not started)");
  });

  it("stops a started container that had not switched, and keeps the old version", async () => {
    const { error, executor, ctx } = await interruptedDeploy(any(/kamal-proxy deploy app-web/), () => ({
      exitCode: 1,
    }));
    // The first host's proxy deploy failed with Ctrl-C pressed meanwhile; the second host's script was never sent.
    expect(error).toBeInstanceOf(InterruptedError);
    expect(executor.commands("1.1.1.2").some((c) => c.startsWith("docker run"))).toBe(false);
    for (const host of ["1.1.1.1", "1.1.1.2"]) {
      const commands = executor.ran(host);
      if (host === "1.1.1.1") {
        expect(commands).toContain(
          "docker container ls --all --filter 'name=^app-web-999$' --quiet | xargs docker stop",
        );
      }
      expect(commands).not.toContain("docker network connect --alias app-web kamal app-web-999");
      expect(commands).not.toContain(
        "docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop",
      );
      expect(commands).not.toContain("docker tag ghcr.io/dhh/app:999 ghcr.io/dhh/app:latest");
    }
    expect(ctx.logger.text()).toContain(
      "1.1.1.1 web: previous version OLD (new container started, then stopped: it had not switched)",
    );
    expect(ctx.logger.text()).toContain("1.1.1.2 web: previous version OLD (new version not started)");
  });

  it("starts no container when Ctrl-C comes before the boot scripts are sent", async () => {
    // Ctrl-C while the first host pulls: no boot script goes out, and no other host pulls.
    const { error, executor, after } = await interruptedDeploy(on("1.1.1.1", /docker pull /));
    expect(error).toBeInstanceOf(InterruptedError);
    expect(executor.commands().some((command) => command.startsWith("docker run"))).toBe(false);
    expect(executor.commands().some((command) => command.includes("kamal-proxy deploy"))).toBe(false);
    expect(executor.commands("1.1.1.2").some((command) => command.includes("docker pull"))).toBe(false);
    expect(after.map(({ command }) => command)).toEqual([LOCK_RELEASE]);
  });

  it("changes nothing and releases the lock when Ctrl-C comes while the gather script reads the hosts", async () => {
    // The lock host's gather script took the lock, then Ctrl-C came during the reads. Scripts already sent run to
    // their end (their pull changes no container); nothing boots, and the lock is released.
    const { error, executor } = await interruptedDeploy(
      on("1.1.1.1", /^docker ps --filter label=service=app .* --format "\{\{\.Names\}\}"/),
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect(executor.commands().some((c) => c.startsWith("docker run") || c.includes("kamal-proxy deploy"))).toBe(false);
    expect(executor.commands().at(-1)).toBe(LOCK_RELEASE);
  });
});
