import { describe, expect, it } from "vitest";
import { sensitive } from "../sensitive.js";
import { CommandFailedError } from "../remote/executor.js";
import { executorContract } from "./executor-contract.js";
import { render } from "../commands/command.js";
import { writeFile } from "../commands/write-file.js";
import { Sensitive } from "../sensitive.js";
import { type RecordedRequest, RecordingExecutor, type ScriptedResult } from "./recording-executor.js";

/** Just enough of sh for the contract's commands, answering `cat`/`stat` from the uploaded files. */
function contractShell({ host, command, input, executor }: RecordedRequest): ScriptedResult {
  const printf = /^printf '?(.*?)'?( >&2)?(?:; exit (\d+))?$/.exec(command);
  if (printf) {
    const text = printf[1]!.replace(/\\n/g, "\n");
    return { exitCode: Number(printf[3] ?? 0), ...(printf[2] ? { stderr: text } : { stdout: text }) };
  }
  const exit = /^exit (\d+)$/.exec(command);
  if (exit) return { exitCode: Number(exit[1]) };
  if (command === "cat") return { stdout: input ?? "" };
  const cat = /^cat (.+)$/.exec(command);
  if (cat) {
    const file = executor.files.get(`${host}:${cat[1]}`);
    return file ? { stdout: file.content.toString() } : { exitCode: 1, stderr: `cat: ${cat[1]}: No such file` };
  }
  const stat = /^stat -c %a (.+)$/.exec(command);
  if (stat) {
    const file = executor.files.get(`${host}:${stat[1]}`);
    return file ? { stdout: `${(file.mode ?? 0o644).toString(8)}\n` } : { exitCode: 1 };
  }
  if (/^(mkdir -p|rm -rf) /.test(command)) return {};
  return { exitCode: 127, stderr: `sh: 1: ${command.split(" ")[0]}: not found` };
}

executorContract("recording", () => ({
  executor: new RecordingExecutor().respond(() => true, contractShell),
  hosts: ["1.1.1.1", "1.1.1.2"],
  scratchDir: ".dhow-contract",
}));

describe("RecordingExecutor", () => {
  it("records redacted commands per host, script steps one by one", async () => {
    const executor = new RecordingExecutor();
    await executor.run("1.1.1.1", "docker ps");
    await executor.run("1.1.1.2", { command: "docker login -p secret", redacted: "docker login -p [REDACTED]" });
    await executor.runScript("1.1.1.1", [{ command: "mkdir -p .kamal" }, { command: "docker pull app:1" }]);
    expect(executor.commands("1.1.1.1")).toEqual(["docker ps", "mkdir -p .kamal", "docker pull app:1"]);
    expect(executor.commands()).toContain("docker login -p [REDACTED]");
    expect(JSON.stringify(executor.commands())).not.toContain("secret");
    expect(executor.calls.map((c) => c.kind)).toEqual(["run", "run", "script"]);
  });

  it("answers with the most recently added matching response", async () => {
    const executor = new RecordingExecutor()
      .respond(/^docker/, { stdout: "generic" })
      .respond("docker ps -q", { stdout: "abc\n" })
      .respond(({ host }) => host === "2.2.2.2", { exitCode: 1, stderr: "down" });
    expect((await executor.run("1.1.1.1", "docker ps -q")).stdout).toBe("abc\n");
    expect((await executor.run("1.1.1.1", "docker images")).stdout).toBe("generic");
    expect((await executor.run("1.1.1.1", "true")).stdout).toBe("");
    await expect(executor.run("2.2.2.2", "docker ps -q")).rejects.toBeInstanceOf(CommandFailedError);
  });

  it("records uploads without revealing sensitive content, and keeps the files", async () => {
    const executor = new RecordingExecutor();
    await executor.upload("1.1.1.1", { content: sensitive("KEY=v") }, ".kamal/apps/app/env/roles/web.env", {
      mode: 0o600,
    });
    expect(executor.calls[0]!.redacted).toBe("upload [REDACTED] to .kamal/apps/app/env/roles/web.env (mode 600)");
    expect(executor.files.get("1.1.1.1:.kamal/apps/app/env/roles/web.env")).toEqual({
      content: Buffer.from("KEY=v"),
      mode: 0o600,
    });
  });

  it("tells the script steps that ran from those sent after the step that stopped the script", async () => {
    const executor = new RecordingExecutor().respond("docker pull app:1", { exitCode: 1 });
    await executor.runScript(
      "1.1.1.1",
      [{ command: "mkdir -p .kamal" }, { command: "docker pull app:1" }, { command: "docker tag app:1 app:latest" }],
      { allowFailure: true },
    );
    await executor.run("1.1.1.1", "docker ps");
    expect(executor.commands("1.1.1.1")).toEqual([
      "mkdir -p .kamal",
      "docker pull app:1",
      "docker tag app:1 app:latest",
      "docker ps",
    ]);
    expect(executor.ran("1.1.1.1")).toEqual(["mkdir -p .kamal", "docker pull app:1", "docker ps"]);
  });

  it("keeps a file a script step writes as commands/write-file.ts does, with its mode", async () => {
    const executor = new RecordingExecutor();
    const env = writeFile(".kamal/apps/app/env/roles/web.env", new Sensitive("KEY=v\n"), { mode: 0o600 });
    await executor.runScript("1.1.1.1", [{ command: { command: render(env), redacted: "write web.env" } }]);
    await executor.runScript("1.1.1.1", [{ command: render(writeFile("pages/500.html", "<p>oops</p>")) }]);
    expect(executor.files.get("1.1.1.1:.kamal/apps/app/env/roles/web.env")).toEqual({
      content: Buffer.from("KEY=v\n"),
      mode: 0o600,
    });
    expect(executor.files.get("1.1.1.1:pages/500.html")).toEqual({
      content: Buffer.from("<p>oops</p>"),
      mode: undefined,
    });
  });

  it("tracks remote forwards until closed", async () => {
    const executor = new RecordingExecutor();
    const forward = await executor.forwardRemotePort("1.1.1.1", 5555);
    expect(executor.forwards).toEqual(["1.1.1.1:5555"]);
    expect(executor.calls[0]!.redacted).toBe("forward 5555 to 127.0.0.1:5555");
    await forward.close();
    expect(executor.forwards).toEqual([]);
  });
});
