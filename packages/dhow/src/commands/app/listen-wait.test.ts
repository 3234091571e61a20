import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shopWebTarget } from "../../testing/app-target.js";
import { render } from "../command.js";
import { checkThenWaitUntilListening, listeningPort } from "./listen-wait.js";

const MISSING = "Failed to get endpoint for web on 1.1.1.1, did the container boot?";
const wait = (port: number, maxSeconds: number) =>
  render(checkThenWaitUntilListening(shopWebTarget(), { version: "999", port, maxSeconds, missing: MISSING }));

/** A free TCP port on this machine. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether something accepts connections on the port now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const children: { kill(): void }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

/** Runs the wait with a fake `docker` on PATH whose `inspect` prints `pid`. */
function runWait(pid: number, port: number, maxSeconds: number) {
  const dir = mkdtempSync(join(tmpdir(), "listen-wait-"));
  writeFileSync(join(dir, "docker"), `#!/bin/sh\necho ${pid}\n`);
  chmodSync(join(dir, "docker"), 0o755);
  const command = wait(port, maxSeconds);
  return new Promise<number | null>((resolve) => {
    const child = spawn("sh", ["-c", command], { env: { ...process.env, PATH: `${dir}:${process.env["PATH"]}` } });
    child.once("exit", (code) => resolve(code));
  });
}

describe("checkThenWaitUntilListening", () => {
  it("returns once the container's process listens on the app port", async () => {
    const port = await freePort();
    // a process that starts listening after 400 ms, as an app that boots
    const app = spawn(process.execPath, [
      "-e",
      `setTimeout(() => require("net").createServer().listen(${port}, "127.0.0.1"), 400)`,
    ]);
    children.push(app);
    expect(await runWait(app.pid!, port, 10)).toBe(0);
    expect(await accepts(port)).toBe(true);
  });

  it("gives up after the longest wait, successfully (the proxy's health check decides)", async () => {
    const port = await freePort();
    const idle = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    children.push(idle);
    expect(await runWait(idle.pid!, port, 0.2)).toBe(0);
  });

  it("does not wait for a container that is gone", () => {
    const command = wait(3000, 60);
    const dir = mkdtempSync(join(tmpdir(), "listen-wait-"));
    writeFileSync(join(dir, "docker"), "#!/bin/sh\necho 0\n");
    chmodSync(join(dir, "docker"), 0o755);
    const result = spawnSync("sh", ["-c", command], {
      env: { ...process.env, PATH: `${dir}:${process.env["PATH"]}` },
      timeout: 10_000,
    });
    expect(result.status).toBe(0); // not killed by the timeout: it did not wait its 60 s
  });

  it("fails the boot, saying so, when the container does not exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "listen-wait-"));
    writeFileSync(join(dir, "docker"), "#!/bin/sh\necho 'Error: No such container: shop-web-999' >&2; exit 1\n");
    chmodSync(join(dir, "docker"), 0o755);
    const result = spawnSync("sh", ["-c", wait(3000, 60)], {
      env: { ...process.env, PATH: `${dir}:${process.env["PATH"]}` },
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${MISSING}\n`);
  });

  it("reads the container by name and the port in /proc's hex", () => {
    const text = wait(3000, 1);
    expect(text).toContain("docker container inspect --format '\\''{{.State.Pid}}'\\'' shop-web-999");
    expect(text).toContain(":0BB8 [0-9A-F]+:0000 0A");
    expect(text).toContain('"$n" -lt 20 ]');
  });
});

describe("listeningPort", () => {
  it("takes a port number, as a number or a string, and nothing else", () => {
    expect(listeningPort(3000)).toBe(3000);
    expect(listeningPort("80")).toBe(80);
    expect(listeningPort("<%= port %>")).toBeUndefined();
    expect(listeningPort(0)).toBeUndefined();
  });
});
