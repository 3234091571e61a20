import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callControl } from "./control-client.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("callControl", () => {
  it("waits for a proxy whose socket appears a moment later (Kamal deploys right after docker run)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "control-"));
    dirs.push(dir);
    const path = join(dir, "kamal-proxy.sock");
    const server = net.createServer((socket) => {
      socket.once("data", () => socket.end(`${JSON.stringify({ ok: true, result: { services: [] } })}\n`));
    });
    const late = new Promise<void>((resolve) => setTimeout(() => server.listen(path, resolve), 300));
    const answer = await callControl(path, { method: "list", params: {} }, { connectWaitMs: 5000 });
    await late;
    expect(answer).toEqual({ ok: true, result: { services: [] } });
    server.close();
  });

  it("reports the dial error once the wait is over, and at once where no socket directory exists", async () => {
    const dir = mkdtempSync(join(tmpdir(), "control-"));
    dirs.push(dir);
    const path = join(dir, "kamal-proxy.sock");
    await expect(callControl(path, { method: "list", params: {} }, { connectWaitMs: 200 })).rejects.toThrow(
      `dial unix ${path}: connect: no such file or directory`,
    );
    await expect(callControl("/nonexistent/x.sock", { method: "list", params: {} })).rejects.toThrow(
      "dial unix /nonexistent/x.sock: connect: no such file or directory",
    );
  });
});
