// The control client: sends one request to the running proxy and waits (without a timeout: deploys block until
// drained) for its answer.
import net from "node:net";
import type { ControlRequest, ControlResponse } from "./protocol.js";

/** Raised when the proxy answered with an error, or could not be reached. */
export class ControlError extends Error {
  override name = "ControlError";
}

/** Call the proxy on `path`; resolves with the result, rejects with ControlError. */
export function callControl(path: string, request: ControlRequest): Promise<ControlResponse & { ok: true }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    let data = "";
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      data += chunk;
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === "ENOENT"
          ? "no such file or directory"
          : error.code === "ECONNREFUSED"
            ? "connection refused"
            : error.message;
      reject(new ControlError(`dial unix ${path}: connect: ${reason}`));
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
