/**
 * The command handlers of commands/*.ts, run from argv through the real CLI entry with a runtime whose
 * contexts record commands instead of opening SSH connections: arguments and options reach the flows.
 */
import { describe, expect, it } from "vitest";
import { APP_CONFIG, ACCESSORY_CONFIG, LOCK_ACQUIRE, withoutLock } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";
import type { RecordingExecutor } from "../../testing/recording-executor.js";
import { loadCommandTree } from "../command-tree.js";
import type { CommandRuntime } from "../define-command.js";
import type { CliIo } from "../io.js";
import { main } from "../main.js";

/** Runs argv through `main`, each flow in a recording test context; confirmation answers come from `answers`. */
async function run(argv: string[], options: { raw?: object; answers?: boolean[] } = {}) {
  const contexts: ReturnType<typeof testContext>[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const runtime: CommandRuntime = {
    withContext: async (_run, flow) => {
      const ctx = testContext({ raw: options.raw ?? ACCESSORY_CONFIG, env: { PATH: "/nonexistent" } });
      contexts.push(ctx);
      return flow(ctx);
    },
    confirm: () => async (question) => {
      questions.push(question);
      return answers.shift() ?? false;
    },
  };
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: "/",
    env: {},
    isTTY: false,
  };
  const code = await main(["node", "dhow", ...argv], io, async () => runtime);
  const ctx = contexts[0];
  return { code, stdout, stderr, ctx, executor: ctx?.executor as RecordingExecutor, questions };
}

describe("command handlers", () => {
  it("app exec: words, -e pairs and --reuse reach the flow", async () => {
    const { code, executor } = await run(
      ["app", "exec", "-e", "A:1", "-e", "B:x y", "--reuse", "bin/rails", "runner", "1"],
      { raw: APP_CONFIG },
    );
    expect(code).toBe(0);
    expect(executor.commands("1.1.1.2")).toContain(
      'docker exec --env A="1" --env B="x y" app-web-999 bin/rails runner 1',
    );
  });

  it("app logs: numeric --lines, --grep and --since", async () => {
    const { executor } = await run(["app", "logs", "-n", "5", "-g", "err", "--since", "1m"], {
      raw: APP_CONFIG,
    });
    expect(executor.commands("1.1.1.1")[0]).toMatch(
      /xargs docker logs --timestamps --since 1m --tail 5 2>&1 \| grep 'err'$/,
    );
  });

  it("interactive: a non-zero ssh status becomes dhow's exit code", async () => {
    // PATH points nowhere, so the shell cannot find ssh: status 127.
    const failure = await run(["server", "exec", "-i", "bash"]);
    expect(failure.stderr).toContain("ERROR (InteractiveExitError): ssh exited with status 127");
    expect(failure.code).toBe(127);
  });

  it("accessory boot NAME and lock acquire -m", async () => {
    const boot = await run(["accessory", "boot", "mysql"]);
    expect(boot.executor.commands("1.1.1.5")).toContain("docker ps -a -q --filter label=service=app-mysql");
    const lock = await run(["lock", "acquire", "-m", "Hold on"]);
    expect(lock.executor.commands("1.1.1.1")[1]).toMatch(LOCK_ACQUIRE);
  });

  it("remove asks on the prompt unless -y", async () => {
    const asked = await run(["remove"], { answers: [false] });
    expect(asked.questions).toEqual(["This will remove all containers and images. Are you sure?"]);
    expect(asked.executor.calls).toEqual([]);
    const confirmed = await run(["remove", "-y"]);
    expect(confirmed.questions).toEqual([]);
    expect(withoutLock(confirmed.executor.commands("1.1.1.5"))).toContain("rm -rf app-mysql");
  });

  it("proxy reboot --rolling -y and proxy remove --force", async () => {
    const reboot = await run(["proxy", "reboot", "--rolling", "-y"], { raw: APP_CONFIG });
    expect(reboot.executor.commands("1.1.1.2")).toContain("docker container stop kamal-proxy");
    const removal = await run(["proxy", "remove", "--force"], { raw: APP_CONFIG });
    expect(removal.executor.commands("1.1.1.1")).toContain("rm -r .kamal/proxy");
  });

  it("app maintenance --drain-timeout --message", async () => {
    const { executor } = await run(["app", "maintenance", "--drain-timeout", "5", "--message", "Soon"], {
      raw: APP_CONFIG,
    });
    expect(executor.commands("1.1.1.1")).toContain(
      'docker exec kamal-proxy kamal-proxy stop app-web --drain-timeout="5s" --message="Soon"',
    );
  });

  it("offers `proxy build` with a --base-image option", async () => {
    const proxy = (await loadCommandTree()).find((spec) => spec.name === "proxy");
    const build = proxy?.subcommands?.find((spec) => spec.name === "build");
    expect(build?.description).toBe(
      "Build the dhow-proxy image from the installed package and push it to the registry",
    );
    expect(build?.options?.map((option) => option.flags)).toEqual(["--base-image <image>"]);
  });

  it("accessory reboot: NAME or --changed, not both, not neither (exit 64)", async () => {
    const neither = await run(["accessory", "reboot"]);
    expect(neither.code).toBe(64);
    expect(neither.stderr).toContain("accessory reboot: give NAME (or all), or --changed");
    const both = await run(["accessory", "reboot", "mysql", "--changed"]);
    expect(both.code).toBe(64);
    expect(both.stderr).toContain("accessory reboot: give NAME or --changed, not both");
  });

  it("accessory reboot --changed reaches the drift check (nothing to compare without dhow's keys)", async () => {
    const { code, ctx, executor } = await run(["accessory", "reboot", "--changed"]);
    expect(code).toBe(0);
    expect(ctx?.logger.lines).toContain("No accessory changed since it was booted");
    expect(executor.commands().some((command) => command.includes("dhow.config-hash"))).toBe(false);
  });

  it("deploy --help lists --reboot-changed-accessories", async () => {
    const { stdout } = await run(["deploy", "--help"]);
    expect(stdout).toContain("--reboot-changed-accessories");
  });
});
