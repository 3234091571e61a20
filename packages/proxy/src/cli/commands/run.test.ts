import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOnce, deployRequest, request, startBackend, tempDir } from "../../../test/helpers.js";
import { callControl } from "../../control/control-client.js";
import type { CliIo } from "../context.js";
import { buildProgram, main } from "../main.js";
import { normalizeBooleanFlags } from "../pflag.js";
import { booleanFlagNames } from "./options.js";
import { type RunOptions, resolveRunOptions } from "./run.js";

async function resolve(args: string[], env: NodeJS.ProcessEnv): Promise<RunOptions> {
  const io: CliIo = { stdout: () => {}, stderr: () => {}, env };
  const program = buildProgram(io);
  let captured: RunOptions | undefined;
  const run = program.commands.find((c) => c.name() === "run")!;
  run.action((_opts, command) => {
    captured = resolveRunOptions(command, env);
  });
  await program.parseAsync(normalizeBooleanFlags(args, booleanFlagNames(run)), { from: "user" });
  return captured!;
}

describe("run options", () => {
  it("uses kamal-proxy's defaults", async () => {
    expect(await resolve(["run"], {})).toEqual({
      debug: false,
      httpPort: 80,
      httpsPort: 443,
      metricsPort: 0,
      http3: false,
      headerReadTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
      workers: 0,
    });
  });

  it("falls back to KAMAL_PROXY_X, then X; the prefixed one wins and flags win over both", async () => {
    const env = {
      HTTP_PORT: "8080",
      KAMAL_PROXY_HTTP_PORT: "9090",
      HTTPS_PORT: "8443",
      DEBUG: "true",
      METRICS_PORT: "x",
    };
    expect(await resolve(["run"], env)).toMatchObject({ httpPort: 9090, httpsPort: 8443, debug: true, metricsPort: 0 });
    expect(await resolve(["run", "--http-port=81", "--debug=false"], env)).toMatchObject({
      httpPort: 81,
      debug: false,
    });
  });
});

describe("run", () => {
  it("starts the server with the control socket and state dir, and stops on shutdown", async () => {
    const dir = tempDir();
    const socketPath = join(dir, "proxy.sock");
    const env = { HOME: dir, KAMAL_PROXY_SOCKET: socketPath };
    let listed: unknown;
    const logs: string[] = [];
    const io: CliIo = {
      stdout: () => {},
      stderr: () => {},
      env,
      logSink: (line) => logs.push(line),
      waitForShutdown: async () => {
        listed = (await callControl(socketPath, { method: "list", params: {} })).result;
      },
    };
    const code = await main(
      ["node", "kamal-proxy", "run", "--http-port=0", "--https-port=0", "--metrics-port=0", "--workers=1"],
      io,
    );
    expect(code).toBe(0);
    expect(listed).toEqual({ services: [], failures: [] });
    expect(existsSync(join(dir, ".config", "kamal-proxy"))).toBe(true);
    expect(existsSync(socketPath)).toBe(false);
    expect(logs.map((l) => JSON.parse(l).msg)).toEqual(expect.arrayContaining(["Server started", "Server stopped"]));
  });

  it("runs several workers behind the same control socket (open while they start) and state file", async () => {
    buildOnce();
    const backend = await startBackend("web");
    const dir = tempDir();
    const socketPath = join(dir, "proxy.sock");
    const env = { HOME: dir, KAMAL_PROXY_SOCKET: socketPath, KAMAL_PROXY_WORKERS: "2" };
    const logs: string[] = [];
    const bodies: string[] = [];
    const io: CliIo = {
      stdout: () => {},
      stderr: () => {},
      env,
      logSink: (line) => logs.push(line),
      waitForShutdown: async () => {
        await callControl(socketPath, { method: "deploy", params: deployRequest("web", [backend.address]) });
        const started = logs.map((line) => JSON.parse(line)).find((line) => line.msg === "Workers started");
        for (let i = 0; i < 4; i++) bodies.push((await request(`http://127.0.0.1:${started.http}/`)).body);
      },
    };
    // The control socket answers before the workers listen: Kamal sends its deploy right after starting the proxy.
    const events: string[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const ok = await callControl(socketPath, { method: "list", params: {} }).then(
          () => true,
          () => false,
        );
        if (ok) {
          events.push("control answered");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    io.logSink = (line) => {
      logs.push(line);
      if (line.includes('"Workers started"')) events.push("workers started");
    };
    const code = await main(["node", "kamal-proxy", "run", "--http-port=0", "--https-port=0"], io);
    polling = false;
    await poll;
    expect(events).toEqual(["control answered", "workers started"]);
    await backend.close();
    expect(code).toBe(0);
    expect(logs.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({ msg: "Workers started", workers: 2 }),
    );
    expect(bodies).toEqual(Array(4).fill("web /"));
    const saved = JSON.parse(readFileSync(join(dir, ".config", "kamal-proxy", "kamal-proxy.state"), "utf8"));
    expect(saved.map((entry: { name: string }) => entry.name)).toEqual(["web"]);
  });
});
