import { EventEmitter } from "node:events";
import type { ClientChannel } from "ssh2";
import { describe, expect, it } from "vitest";
import { RemoteError } from "./executor.js";
import { HostShell, shellText } from "./host-shell.js";
import { renderScript } from "./remote-script.js";

/** A channel double: records what is written, emits what the test feeds it. */
function fakeChannel() {
  const channel = Object.assign(new EventEmitter(), {
    stderr: new EventEmitter(),
    written: [] as string[],
    ended: false,
    write(text: string) {
      channel.written.push(text);
      return true;
    },
    end() {
      channel.ended = true;
    },
  });
  return channel;
}

function shellOn(channel: ReturnType<typeof fakeChannel>, lost = false) {
  const closed: string[] = [];
  const shell = new HostShell(channel as unknown as ClientChannel, {
    host: "h1",
    lost: () => lost,
    onClose: () => closed.push("closed"),
  });
  return { shell, closed };
}

describe("shellText", () => {
  it("runs the script in a subshell and prints its exit code after it, on stdout and stderr", () => {
    const script = renderScript([{ command: "true" }], "abc");
    expect(shellText(script)).toBe(
      `(\n${script.text})\n__dhow_x=$?\n` +
        `printf '\\n%s:X:%s\\n' 'dhow-abc' "$__dhow_x"; printf '\\n%s:X:%s\\n' 'dhow-abc' "$__dhow_x" >&2\n`,
    );
  });
});

describe("HostShell", () => {
  it("finishes a script when both end lines arrived, even split over chunks, and strips them", async () => {
    const channel = fakeChannel();
    const { shell } = shellOn(channel);
    const script = renderScript([{ command: "true" }], "n1");
    const seen: string[] = [];
    let done = false;
    const running = shell.run(script, (chunk, stream) => seen.push(`${stream}:${chunk}`));
    void running.then(() => {
      done = true;
    });
    expect(channel.written).toEqual([shellText(script)]);
    expect(shell.idle).toBe(false);
    channel.emit("data", Buffer.from("out\n\ndhow-n1:"));
    channel.emit("data", Buffer.from("X:4"));
    channel.stderr.emit("data", Buffer.from("err\n\ndhow-n1:X:4\n"));
    await Promise.resolve();
    expect(done).toBe(false); // stdout's end line has no newline yet
    channel.emit("data", Buffer.from("2\n"));
    expect(await running).toEqual({ exitCode: 42, stdout: "out\n", stderr: "err\n" });
    expect(shell.idle).toBe(true);
    expect(seen[0]).toBe("stdout:out\n\ndhow-n1:");
    expect(() => shell.run(script)).not.toThrow();
  });

  it("refuses a second script while one runs", () => {
    const { shell } = shellOn(fakeChannel());
    void shell.run(renderScript([{ command: "true" }], "n2"));
    expect(() => shell.run(renderScript([{ command: "true" }], "n3"))).toThrow(/busy/);
  });

  it("ends a script cut short by the shell's exit with that exit code", async () => {
    const channel = fakeChannel();
    const { shell, closed } = shellOn(channel);
    const running = shell.run(renderScript([{ command: "if then" }], "n4"));
    channel.stderr.emit("data", Buffer.from("sh: 1: Syntax error\n"));
    channel.emit("exit", 2);
    channel.emit("close");
    expect(await running).toEqual({ exitCode: 2, stdout: "", stderr: "sh: 1: Syntax error\n" });
    expect([shell.closed, shell.idle, closed]).toEqual([true, false, ["closed"]]);
  });

  it("rejects with RemoteError when the connection died mid-script", async () => {
    const channel = fakeChannel();
    const { shell } = shellOn(channel, true);
    const running = shell.run(renderScript([{ command: "sleep 9" }], "n5"));
    channel.emit("close");
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as Error).message).toBe("ssh connection to h1 was lost while running: sleep 9");
  });
});
