// Runs a real local ACME server for tests: Debian's `pebble` plus `pebble-challtestsrv` as its DNS (every name
// resolves to 127.0.0.1). Its validation authority connects to the proxy's HTTP and HTTPS ports.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import dgram from "node:dgram";
import { readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import { join } from "node:path";
import { selfSignedCertificate, tempDir } from "./helpers.js";

/** True when the pebble binaries are installed (apt-get install pebble). */
export function pebbleAvailable(): boolean {
  return (
    spawnSync("pebble", ["-h"]).error === undefined && spawnSync("pebble-challtestsrv", ["-h"]).error === undefined
  );
}

/** A running Pebble. */
export interface Pebble {
  readonly directoryUrl: string;
  readonly agent: https.Agent;
  close(): Promise<void>;
}

/** Start Pebble validating against the given ports on 127.0.0.1. */
export async function startPebble({ httpPort, tlsPort }: { httpPort: number; tlsPort: number }): Promise<Pebble> {
  const dir = tempDir("pebble-");
  const cert = selfSignedCertificate(dir, ["localhost", "127.0.0.1"], "pebble");
  const [listenPort, managementPort, challManagementPort] = await Promise.all([
    freeTcpPort(),
    freeTcpPort(),
    freeTcpPort(),
  ]);
  const dnsPort = await freeUdpPort();
  const config = join(dir, "pebble-config.json");
  writeFileSync(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${listenPort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: cert.cert,
        privateKey: cert.key,
        httpPort,
        tlsPort,
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  const children: ChildProcess[] = [];
  const dns = spawn(
    "pebble-challtestsrv",
    [
      "-defaultIPv4",
      "127.0.0.1",
      "-defaultIPv6",
      "",
      "-dns01",
      `127.0.0.1:${dnsPort}`,
      "-http01",
      "",
      "-https01",
      "",
      "-tlsalpn01",
      "",
      "-management",
      `127.0.0.1:${challManagementPort}`,
    ],
    { stdio: "ignore" },
  );
  children.push(dns);
  const pebble = spawn("pebble", ["-config", config, "-dnsserver", `127.0.0.1:${dnsPort}`], {
    stdio: "ignore",
    env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
  });
  children.push(pebble);
  const agent = new https.Agent({ ca: readFileSync(cert.cert) });
  const directoryUrl = `https://127.0.0.1:${listenPort}/dir`;
  const close = async () => {
    agent.destroy();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
  };
  try {
    await waitForDirectory(directoryUrl, agent);
  } catch (error) {
    await close();
    throw error;
  }
  return { directoryUrl, agent, close };
}

async function waitForDirectory(url: string, agent: https.Agent): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      https
        .get(url, { agent }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error("pebble did not start");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => {
      const port = socket.address().port;
      socket.close(() => resolve(port));
    });
  });
}
