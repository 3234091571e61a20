/**
 * @module
 * Readiness probes without spawning processes: Docker's `/_ping` on a unix socket, an SSH banner on a TCP
 * port, and an HTTP GET (the registry's `/v2/`).
 */
import { request } from "node:http";
import { connect } from "node:net";
import { sleep } from "./exec.js";

/** Resolves true when an HTTP GET answers with the expected status within `timeoutMs`. */
export function httpOk(
  target: { socketPath: string } | { host: string; port: number },
  path: string,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...target, path, method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Resolves with the JSON body of an HTTP GET, or undefined on any error. */
export function httpJson(target: { socketPath: string }, path: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve) => {
    const req = request({ ...target, path, method: "GET", timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

/** Resolves true when something on host:port greets with an SSH-2.0 banner. */
export function sshBanner(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(ok: boolean): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    }
    socket.once("data", (data: Buffer) => finish(data.toString("latin1").startsWith("SSH-2.0-")));
    socket.once("error", () => finish(false));
  });
}

/** Polls `probe` every `intervalMs` until it resolves true; throws `message` after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean>,
  { timeoutMs, intervalMs = 50, message }: { timeoutMs: number; intervalMs?: number; message: () => string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(intervalMs);
  }
  throw new Error(message());
}
