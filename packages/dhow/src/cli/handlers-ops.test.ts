import { PassThrough } from "node:stream";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { APP_CONFIG, ACCESSORY_CONFIG, LOCK_ACQUIRE, withoutLock } from "../flows/ops-testing.js";
import { testContext } from "../flows/testing.js";
import type { RecordingExecutor } from "../remote/recording-executor.js";
import { type CommandSpec, COMMAND_TREE } from "./command-spec.js";
import { defineCommands, type Handler } from "./define-commands.js";
import type { FlowRunner } from "./flow-handler.js";
import { addGlobalOptions } from "./global-options.js";
import { createOpsHandlers, InteractiveExitError, OPS_HANDLERS } from "./handlers-ops.js";
import type { CliIo } from "./io.js";
import { askYesNo } from "./yes-no-prompt.js";

/** Runs argv through the real command tree, with the ops handlers over a recording test context. */
async function run(argv: string[], options: { raw?: object; answers?: boolean[] } = {}) {
  const contexts: ReturnType<typeof testContext>[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const wrap =
    (flow: FlowRunner): Handler =>
    async (command) => {
      const ctx = testContext({ raw: options.raw ?? ACCESSORY_CONFIG, env: { PATH: "/nonexistent" } });
      contexts.push(ctx);
      await flow(ctx, command);
    };
  const handlers = createOpsHandlers({
    wrap,
    confirm: () => async (question) => {
      questions.push(question);
      return answers.shift() ?? false;
    },
  });
  const io: CliIo = { stdout: () => {}, stderr: () => {}, cwd: "/", env: {}, isTTY: false };
  const program = addGlobalOptions(new Command("dhow").exitOverride());
  defineCommands(program, COMMAND_TREE, handlers, io);
  await program.parseAsync(argv, { from: "user" });
  const ctx = contexts[0];
  return { ctx, executor: ctx?.executor as RecordingExecutor, questions };
}

function leafPaths(specs: readonly CommandSpec[], prefix = ""): string[] {
  return specs.flatMap((spec) => {
    const path = prefix ? `${prefix} ${spec.name}` : spec.name;
    return spec.subcommands ? leafPaths(spec.subcommands, path) : [path];
  });
}

describe("OPS_HANDLERS", () => {
  it("covers every operating command of the tree, and only paths that exist", () => {
    const leaves = leafPaths(COMMAND_TREE);
    const paths = Object.keys(OPS_HANDLERS);
    expect(paths.filter((path) => !leaves.includes(path))).toEqual([]);
    const expected = leaves.filter(
      (path) =>
        /^(app|accessory|proxy|lock) /.test(path) || ["server exec", "details", "audit", "remove"].includes(path),
    );
    const deployOwned = ["app boot", "proxy boot", "proxy upgrade", "proxy build"];
    expect(expected.filter((path) => !paths.includes(path) && !deployOwned.includes(path))).toEqual([]);
  });

  it("app exec: words, -e pairs and --reuse reach the flow", async () => {
    const { executor } = await run(["app", "exec", "-e", "A:1", "-e", "B:x y", "--reuse", "bin/rails", "runner", "1"], {
      raw: APP_CONFIG,
    });
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
    const failure = run(["server", "exec", "-i", "bash"]);
    await expect(failure).rejects.toBeInstanceOf(InteractiveExitError);
    await expect(failure).rejects.toHaveProperty("exitCode", 127);
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
});

describe("askYesNo", () => {
  async function ask(input: string) {
    const stream = new PassThrough();
    stream.end(input);
    let written = "";
    const answer = await askYesNo("Sure?", { input: stream, write: (text) => (written += text) });
    return { answer, written };
  }

  it("asks Thor's way and accepts only y", async () => {
    expect(await ask("y\n")).toEqual({ answer: true, written: "Sure? [y, N] (N) " });
    expect((await ask("N\n")).answer).toBe(false);
    expect((await ask("\n")).answer).toBe(false);
  });

  it("asks again on anything else, and treats end of input as N", async () => {
    const { answer, written } = await ask("yes\ny\n");
    expect(answer).toBe(true);
    expect(written).toBe("Sure? [y, N] (N) Your response must be one of: [y, N]. Please try again.\nSure? [y, N] (N) ");
    expect((await ask("")).answer).toBe(false);
  });
});
