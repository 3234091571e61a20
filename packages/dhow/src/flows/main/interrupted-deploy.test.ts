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

/** A deploy of TRACE_CONFIG where Ctrl-C arrives while the first command matching `when` runs. */
async function interruptedDeploy(
  when: RegExp,
  answer: (request: RecordedRequest) => { exitCode?: number } = () => ({}),
) {
  const interruption = new Interruption();
  const executor = fleetExecutor();
  let interruptedAt: number | undefined;
  executor.respond(
    (request) => when.test(request.command),
    (request) => {
      if (interruptedAt === undefined) {
        interruptedAt = executor.calls.length;
        interruption.request();
      }
      return answer(request);
    },
  );
  const ctx = testContext({ raw: TRACE_CONFIG, executor, local: localDocker(), interruption });
  const error = await deploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() }).catch((e: unknown) => e);
  const after = executor.calls
    .slice(interruptedAt)
    .flatMap((call) =>
      call.kind === "script"
        ? [...(call.steps ?? [])].map((step) => ({ host: call.host, command: step }))
        : [{ host: call.host, command: call.redacted }],
    );
  return { error, executor, ctx, after: after.slice(1) };
}

describe("Ctrl-C during a deploy", () => {
  it("lets an in-flight proxy deploy finish, completes the switch, starts nothing new and reports each host", async () => {
    // Ctrl-C while the second web host's proxy deploy runs (the first host's was sent before it).
    const { error, executor, ctx, after } = await interruptedDeploy(
      /kamal-proxy deploy app-web --target="cid-1\.1\.1\.2/,
    );
    expect(error).toBeInstanceOf(InterruptedError);

    // Both web hosts had sent their proxy deploy: each finished its switch (old stopped, latest tagged).
    for (const host of ["1.1.1.1", "1.1.1.2"]) {
      const commands = executor.commands(host);
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
    for (const { command } of after) {
      const allowed = CLEANUP.some((pattern) => pattern.test(command)) || /kamal-proxy deploy app-web/.test(command);
      expect(allowed, `sent after Ctrl-C: ${command}`).toBe(true);
    }
    expect(after.at(-1)?.command).toBe(LOCK_RELEASE);

    const text = ctx.logger.text();
    expect(text).toContain("1.1.1.1 web: new version 999 (switched, tagged latest)");
    expect(text).toContain("1.1.1.2 web: new version 999 (switched, tagged latest)");
    expect(text).toContain("1.1.1.3 workers: previous version OLD (new version not started)");
  });

  it("stops a started container that had not switched, and keeps the old version", async () => {
    const { error, executor, ctx } = await interruptedDeploy(/kamal-proxy deploy app-web/, () => ({ exitCode: 1 }));
    // The first host's proxy deploy failed with Ctrl-C pressed meanwhile; the second host's never started.
    expect(error).toBeInstanceOf(InterruptedError);
    for (const host of ["1.1.1.1", "1.1.1.2"]) {
      const commands = executor.commands(host);
      if (host === "1.1.1.1") {
        expect(commands).toContain(
          "docker container ls --all --filter 'name=^app-web-999$' --quiet | xargs docker stop",
        );
      }
      expect(commands).not.toContain(
        "docker container ls --all --filter 'name=^app-web-OLD$' --quiet | xargs docker stop",
      );
      expect(commands).not.toContain("docker tag ghcr.io/dhh/app:999 ghcr.io/dhh/app:latest");
    }
    expect(ctx.logger.text()).toContain(
      "1.1.1.1 web: previous version OLD (new container started, then stopped: it had not switched)",
    );
  });

  it("starts no container when Ctrl-C comes before docker run", async () => {
    const { error, executor, after } = await interruptedDeploy(/^mkdir -p \.kamal\/apps\/app\/env\/roles$/);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(after.some(({ command }) => command.startsWith("docker run"))).toBe(false);
    expect(after.some(({ command }) => command.includes("kamal-proxy deploy"))).toBe(false);
    expect(executor.commands().at(-1)).toBe(LOCK_RELEASE);
  });

  it("stops at the next step when Ctrl-C comes while stale containers are listed", async () => {
    const { error, executor } = await interruptedDeploy(
      /^docker ps --filter label=service=app .* --format "\{\{\.Names\}\}"/,
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect(executor.commands().some((c) => c.startsWith("docker run"))).toBe(false);
    expect(executor.commands().at(-1)).toBe(LOCK_RELEASE);
  });
});
