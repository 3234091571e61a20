// The control client: sends one request to the running proxy and waits (without a timeout: deploys block until
// drained) for its answer. A proxy that is still starting (its socket not there yet, or not accepting) is waited
// for a few seconds: Kamal runs `kamal-proxy deploy` right after `docker run` of the proxy, and with several
// workers the socket opens only once they listen.
import { existsSync } from "node:fs";
import net from "node:net";
import { dirname } from "node:path";
import type { ControlRequest, ControlResponse } from "./protocol.js";

/** How long a call waits for a starting proxy's socket before it reports the dial error. */
export const CONNECT_WAIT_MS = 10_000;
const CONNECT_RETRY_MS = 100;

/** Raised when the proxy answered with an error, or could not be reached. */
export class ControlError extends Error {
  override name = "ControlError";
}

/** Call the proxy on `path`; resolves with the result, rejects with ControlError. */
export async function callControl(
  path: string,
  request: ControlRequest,
  { connectWaitMs = CONNECT_WAIT_MS }: { connectWaitMs?: number } = {},
): Promise<ControlResponse & { ok: true }> {
  // No directory for the socket: no proxy can be starting there, so fail at once.
  const deadline = Date.now() + (existsSync(dirname(path)) ? connectWaitMs : 0);
  for (;;) {
    try {
      return await callOnce(path, request);
    } catch (error) {
      if (!(error instanceof NotListening) || Date.now() >= deadline) {
        throw error instanceof NotListening ? new ControlError(error.message) : error;
      }
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
    }
  }
}

/** The socket is missing or refuses connections: the request was not delivered, so it may be sent again. */
class NotListening extends Error {}

function callOnce(path: string, request: ControlRequest): Promise<ControlResponse & { ok: true }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    let data = "";
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      data += chunk;
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") {
        const reason = error.code === "ENOENT" ? "no such file or directory" : "connection refused";
        reject(new NotListening(`dial unix ${path}: connect: ${reason}`));
      } else reject(new ControlError(`dial unix ${path}: connect: ${error.message}`));
    });
    socket.once("close", () => {
      const line = data.trim();
      if (line === "") {
        if (!socket.errored) reject(new ControlError("connection closed by the proxy without an answer"));
        return;
      }
      let response: ControlResponse;
      try {
        response = JSON.parse(line) as ControlResponse;
      } catch {
        reject(new ControlError("malformed answer from the proxy"));
        return;
      }
      if (response.ok) resolve(response);
      else reject(new ControlError(response.error));
    });
  });
}
