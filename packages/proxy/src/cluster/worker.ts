// A worker of a multi-worker proxy: serves HTTP and HTTPS with the route table the primary pushes. It listens only
// after its first table is installed, so a replacement worker never answers with an empty table.
import { DEFAULT_DRAIN_TIMEOUT_MS } from "../defaults.js";
import { TargetResolver } from "../dns/resolver.js";
import { createLogger } from "../log/logger.js";
import type { CertManagerFactory } from "../server/router.js";
import { type Installed, Replica } from "../server/replica.js";
import { Server } from "../server/server.js";
import { StaticCertManager } from "../tls/cert-manager.js";
import type { CertificateQuery, FromWorker, ToWorker, WorkerSettings } from "./messages.js";
import { type AskPrimary, RemoteCertManager } from "./remote-cert-manager.js";

/** How long a worker waits for the primary to answer a certificate question. */
const ASK_TIMEOUT_MS = 30_000;

/** Run this process as a worker until the primary says stop (or goes away). */
export function runWorker(settings: WorkerSettings): void {
  const send = (message: FromWorker) => {
    if (process.connected) process.send?.(message);
  };
  const logger = createLogger({
    debug: settings.debug,
    ...(settings.forwardLogs ? { sink: (line: string) => send({ type: "log", line }) } : {}),
  });
  const answers = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const ask: AskPrimary = (kind: CertificateQuery, service: string, name: string) =>
    new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        answers.delete(id);
        resolve(undefined);
      }, ASK_TIMEOUT_MS);
      answers.set(id, (result) => {
        clearTimeout(timer);
        resolve(result ?? undefined);
      });
      send({ type: "certificate", id, kind, service, name });
    });

  const server = new Server({
    logger,
    httpPort: settings.httpPort,
    httpsPort: settings.httpsPort,
    bind: settings.bind,
    ...(settings.headerReadTimeoutMs !== undefined ? { headerReadTimeoutMs: settings.headerReadTimeoutMs } : {}),
    ...(settings.idleTimeoutMs !== undefined ? { idleTimeoutMs: settings.idleTimeoutMs } : {}),
    ...(settings.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: settings.shutdownTimeoutMs } : {}),
    certManagerFactory: workerCertManagers(ask),
    ...(settings.resolver ? { resolver: new TargetResolver(settings.resolver) } : {}),
  });
  const replica = new Replica(server.router, logger);
  let prepared: (() => Installed) | undefined;
  let listening = false;
  let stopping = false;
  let queue = Promise.resolve();

  const handle = async (message: ToWorker): Promise<void> => {
    switch (message.type) {
      case "prepare":
        prepared = await replica.prepare(message.services);
        send({ type: "prepared", version: message.version });
        return;
      case "commit": {
        const install = prepared;
        prepared = undefined;
        let installed: Installed | undefined;
        await server.router.scheduleSwitch(message.at, () => {
          installed = install?.();
        });
        send({ type: "switched", version: message.version });
        void (installed?.drain(message.drainTimeoutMs) ?? Promise.resolve()).then(() =>
          send({ type: "drained", version: message.version }),
        );
        return;
      }
      case "apply": {
        const installed = (await replica.prepare(message.services))();
        void installed.drain(DEFAULT_DRAIN_TIMEOUT_MS);
        if (!listening) {
          try {
            await server.start();
          } catch (error) {
            send({ type: "failed", error: (error as Error).message });
            process.exit(1);
          }
          listening = true;
          send({ type: "listening", ports: { http: server.ports.http, https: server.ports.https } });
        }
        return;
      }
    }
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      if (listening) await server.stop();
      process.exit(0);
    })();
  };

  process.on("message", (message: ToWorker) => {
    switch (message.type) {
      case "reply":
        answers.get(message.id)?.(message.result);
        answers.delete(message.id);
        return;
      case "metrics":
        send({ type: "metrics", id: message.id, snapshot: server.metrics.snapshot() });
        return;
      case "shutdown":
        stop();
        return;
      default:
        // A table this worker cannot install would leave it routing differently from the others: it exits, and
        // the primary replaces it with one that starts from the current table.
        queue = queue
          .then(() => handle(message))
          .catch((error: Error) => {
            logger.error("Route table update failed; exiting", { error });
            process.exit(1);
          });
    }
  });
  process.on("disconnect", stop);
  // The primary coordinates shutdown (a terminal's Ctrl-C reaches every process of the group).
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  send({ type: "ready" });
}

/** Custom certificates are read from their files; ACME ones come from the primary. */
function workerCertManagers(ask: AskPrimary): CertManagerFactory {
  return (service, options) => {
    if (options.tlsCertificatePath !== "" && options.tlsPrivateKeyPath !== "") {
      return new StaticCertManager(options.tlsCertificatePath, options.tlsPrivateKeyPath);
    }
    return new RemoteCertManager(service, ask);
  };
}
