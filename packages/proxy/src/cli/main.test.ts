import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { request, startBackend, startProxy, tempDir, type TestProxy } from "../../test/helpers.js";
import type { CliIo } from "./context.js";
import { main } from "./main.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv, stdoutIsTTY = false): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    stdoutIsTTY,
  };
  const code = await main(["node", "kamal-proxy", ...args], io);
  return { code, stdout, stderr };
}

async function proxyWithSocket(): Promise<{ proxy: TestProxy; env: NodeJS.ProcessEnv }> {
  const dir = tempDir();
  const socketPath = join(dir, "kamal-proxy.sock");
  const proxy = await startProxy({ socketPath, stateDir: dir });
  cleanup.push(() => proxy.close());
  return { proxy, env: { KAMAL_PROXY_SOCKET: socketPath, HOME: dir } };
}

describe("CLI", () => {
  it("accepts Kamal's exact deploy invocation and routes to the target", async () => {
    const backend = await startBackend("web");
    cleanup.push(() => backend.close());
    const { proxy, env } = await proxyWithSocket();
    // What `docker exec kamal-proxy kamal-proxy deploy ...` delivers once the shell has stripped Kamal's quotes.
    const result = await cli(
      [
        "deploy",
        "app-web",
        `--target=${backend.address}`,
        "--host=app.example.com",
        "--deploy-timeout=30s",
        "--drain-timeout=30s",
        "--health-check-interval=1s",
        "--health-check-timeout=5s",
        "--health-check-path=/up",
        "--target-timeout=30s",
        "--buffer-requests",
        "--buffer-responses",
        "--buffer-memory=1048576",
        "--max-request-body=0",
        "--max-response-body=0",
        "--log-request-header=Cache-Control",
        "--log-request-header=Last-Modified",
        "--log-request-header=User-Agent",
        "--forward-headers=false",
        "--tls-redirect=true",
      ],
      env,
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const service = proxy.server.router.service("app-web")!;
    expect(service.options.hosts).toEqual(["app.example.com"]);
    expect(service.targetOptions).toMatchObject({
      bufferRequests: true,
      bufferResponses: true,
      maxMemoryBufferSize: 1048576,
      forwardHeaders: false,
      responseTimeoutMs: 30_000,
      logRequestHeaders: ["Cache-Control", "Last-Modified", "User-Agent"],
      healthCheck: { path: "/up", intervalMs: 1000, timeoutMs: 5000, port: 0, host: "" },
    });
    const res = await request(`${proxy.httpUrl}/x`, { headers: { host: "app.example.com" } });
    expect(res.body).toBe("web /x");
  });

  it("computes TLS settings client-side: --tls-staging and the default ACME cache path", async () => {
    const { env } = await proxyWithSocket();
    const io: CliIo = { stdout: () => {}, stderr: () => {}, env };
    const program = (await import("./main.js")).buildProgram(io);
    const deploy = program.commands.find((c) => c.name() === "deploy")!;
    let built: ReturnType<typeof import("./commands/deploy.js").buildDeployRequest> | undefined;
    const { buildDeployRequest } = await import("./commands/deploy.js");
    deploy.action((service: string, _opts: unknown, command: import("commander").Command) => {
      built = buildDeployRequest(service, command, env);
    });
    await program.parseAsync(["deploy", "app", "--target=web:80", "--host=a.com", "--tls", "--tls-staging"], {
      from: "user",
    });
    expect(built!.serviceOptions).toMatchObject({
      tlsEnabled: true,
      acmeDirectory: "https://acme-staging-v02.api.letsencrypt.org/directory",
      acmeCachePath: join(env.HOME!, ".config", "kamal-proxy", "certs"),
    });
    // TLS turns the forward-headers default off unless the flag is given.
    expect(built!.targetOptions.forwardHeaders).toBe(false);
  });

  it("lists services as a table and as JSON, and supports ls/rm aliases", async () => {
    const backend = await startBackend("web");
    cleanup.push(() => backend.close());
    const { env } = await proxyWithSocket();
    expect((await cli(["deploy", "b-svc", "--target", backend.address, "--host", "b.com,c.com"], env)).code).toBe(0);
    expect((await cli(["deploy", "a-svc", `--target=${backend.address}`, "--path-prefix=/api"], env)).code).toBe(0);
    const table = await cli(["ls"], env, true);
    const lines = table.stdout.split("\n");
    expect(lines[0]).toContain("\u001b[3;94mService");
    expect(lines[1]).toContain("a-svc");
    expect(lines[1]).toMatch(/\*\s+.*\/api\s+.*127\.0\.0\.1:\d+\s+.*running\s+.*no/);
    expect(lines[2]).toContain("b.com,c.com");
    const json = JSON.parse((await cli(["list", "--json"], env)).stdout);
    expect(json.services.map((s: { service: string }) => s.service)).toEqual(["a-svc", "b-svc"]);
    expect(json.services[0].targetHealth[0].state).toBe("healthy");
    expect((await cli(["rm", "a-svc"], env)).code).toBe(0);
    expect(JSON.parse((await cli(["ls", "--json"], env)).stdout).services).toHaveLength(1);
  });

  it("prints list colours only to a terminal, and never with NO_COLOR", async () => {
    const backend = await startBackend("web");
    cleanup.push(() => backend.close());
    const { env } = await proxyWithSocket();
    expect((await cli(["deploy", "svc", `--target=${backend.address}`], env)).code).toBe(0);
    const ansi = "\u001b[";
    expect((await cli(["list"], env, true)).stdout).toContain(ansi);
    const piped = (await cli(["list"], env, false)).stdout;
    expect(piped).not.toContain(ansi);
    expect(piped.split("\n")[1]).toMatch(/^svc\s+\*\s+\/\s+127\.0\.0\.1:\d+\s+running\s+no\s*$/);
    expect((await cli(["list"], { ...env, NO_COLOR: "1" }, true)).stdout).not.toContain(ansi);
    expect((await cli(["list"], { ...env, NO_COLOR: "" }, true)).stdout).toContain(ansi);
  });

  it("runs stop, resume, pause and rollout commands against the proxy", async () => {
    const backend = await startBackend("web");
    const canary = await startBackend("canary");
    cleanup.push(
      () => backend.close(),
      () => canary.close(),
    );
    const { proxy, env } = await proxyWithSocket();
    await cli(["deploy", "app", `--target=${backend.address}`], env);
    expect(await cli(["stop", "app", "--message=Back at 5", "--drain-timeout=1s"], env)).toMatchObject({ code: 0 });
    const stopped = await request(`${proxy.httpUrl}/`);
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain("Back at 5");
    expect((await cli(["resume", "app"], env)).code).toBe(0);
    expect((await request(`${proxy.httpUrl}/`)).status).toBe(200);
    expect((await cli(["pause", "app", "--max-pause=50ms", "--drain-timeout=1s"], env)).code).toBe(0);
    expect((await request(`${proxy.httpUrl}/`)).status).toBe(504);
    await cli(["resume", "app"], env);

    expect(await cli(["rollout", "set", "app", "--percent=10"], env)).toMatchObject({
      code: 1,
      stderr: "Error: rollout target not set\n",
    });
    expect(
      (await cli(["rollout", "deploy", "app", `--target=${canary.address}`, "--deploy-timeout=2s"], env)).code,
    ).toBe(0);
    expect((await cli(["rollout", "set", "app", "--list=beta"], env)).code).toBe(0);
    expect((await request(`${proxy.httpUrl}/`, { headers: { cookie: "kamal-rollout=beta" } })).body).toBe("canary /");
    expect((await request(`${proxy.httpUrl}/`, { headers: { cookie: "kamal-rollout=other" } })).body).toBe("web /");
    expect((await cli(["rollout", "stop", "app"], env)).code).toBe(0);
    expect((await request(`${proxy.httpUrl}/`, { headers: { cookie: "kamal-rollout=beta" } })).body).toBe("web /");
  });

  it.each([
    [["deploy", "app"], 'Error: required flag(s) "target" not set'],
    [["deploy"], "Error: accepts 1 arg(s), received 0"],
    [["deploy", "a", "b", "--target=xx:1"], "Error: accepts 1 arg(s), received 2"],
    [["deploy", "app", "--target=xx:1", "--bogus"], "Error: unknown flag: --bogus"],
    [
      ["deploy", "app", "--target=xx:1", "--deploy-timeout=30"],
      'Error: invalid argument "30" for "--deploy-timeout" flag: time: invalid duration "30"',
    ],
    [
      ["deploy", "app", "--target=xx:1", "--tls=maybe"],
      'Error: invalid argument "maybe" for "--tls" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ["deploy", "app", "--target=xx:1", "--max-request-body=10"],
      "Error: max-request-body can only be set when request buffering is enabled",
    ],
    [
      ["deploy", "app", "--target=xx:1", "--tls-certificate-path=/c"],
      "Error: if any flags in the group [tls-certificate-path tls-private-key-path] are set they must all be set; missing [tls-private-key-path]",
    ],
    [
      ["deploy", "app", "--target=xx:1", "--tls", "--path-prefix=/api"],
      "Error: TLS settings must be specified on the root path service",
    ],
    [["rollout", "set", "app"], "Error: at least one of the flags in the group [percent list] is required"],
    [["frobnicate"], 'Error: unknown command "frobnicate" for "kamal-proxy"'],
  ])("fails %j with a cobra-style error", async (args, message) => {
    const result = await cli(args, { KAMAL_PROXY_SOCKET: "/nonexistent/socket" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${message}\n`);
  });

  it("reports an unreachable proxy", async () => {
    const result = await cli(["list"], { KAMAL_PROXY_SOCKET: "/nonexistent/x.sock" });
    expect(result).toMatchObject({
      code: 1,
      stderr: "Error: dial unix /nonexistent/x.sock: connect: no such file or directory\n",
    });
  });

  it("prints server-side errors and the version", async () => {
    const { env } = await proxyWithSocket();
    expect(await cli(["remove", "nope"], env)).toMatchObject({ code: 1, stderr: "Error: service not found\n" });
    expect((await cli(["version"], env)).stdout).toBe("dhow-proxy v0.9.2 (kamal-proxy v0.9.2 compatible)\n");
    expect((await cli(["--help"], env)).stdout).toContain("deploy");
  });
});
