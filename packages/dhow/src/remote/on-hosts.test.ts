import { describe, expect, it } from "vitest";
import { DhowError } from "../errors.js";
import { CommandFailedError } from "./executor.js";
import { MAX_REASON_LINES, MultiHostError, onHosts } from "./on-hosts.js";
import { Semaphore } from "./semaphore.js";

/** A promise with its resolve function, to control when each host's work finishes. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((ok) => {
    resolve = ok;
  });
  return { promise, resolve };
}

describe("onHosts", () => {
  it("returns results in host order", async () => {
    const results = await onHosts(["a", "b", "c"], async (host) => host.toUpperCase());
    expect(results).toEqual(["A", "B", "C"]);
  });

  it("runs at most `limit` hosts at once and frees the slot when a host fails", async () => {
    let running = 0;
    let most = 0;
    const gates = new Map(["a", "b", "c", "d"].map((h) => [h, deferred()]));
    const started: string[] = [];
    const run = onHosts(
      ["a", "b", "c", "d"],
      async (host) => {
        started.push(host);
        running++;
        most = Math.max(most, running);
        try {
          await gates.get(host)!.promise;
          if (host === "a") throw new Error("a broke");
        } finally {
          running--;
        }
      },
      { limit: 2 },
    ).catch((e: unknown) => e);
    await Promise.resolve();
    expect(started).toEqual(["a", "b"]);
    gates.get("a")!.resolve();
    gates.get("b")!.resolve();
    await new Promise((ok) => setTimeout(ok, 0));
    expect(started).toEqual(["a", "b", "c", "d"]);
    gates.get("c")!.resolve();
    gates.get("d")!.resolve();
    const error = await run;
    expect((error as Error).message).toBe("a broke");
    expect(most).toBe(2);
  });

  it("waits for every host before reporting, and rethrows a single failure as is", async () => {
    const slow = deferred();
    let slowDone = false;
    const original = new DhowError("only one");
    const run = onHosts(["fast", "slow"], async (host) => {
      if (host === "fast") throw original;
      await slow.promise;
      slowDone = true;
    });
    setTimeout(() => slow.resolve(), 5);
    await expect(run).rejects.toBe(original);
    expect(slowDone).toBe(true);
  });

  it("aggregates several failures, each host's headline and reason, naming the host when the message does not", async () => {
    const error = (await onHosts(["1.1.1.1", "1.1.1.2", "1.1.1.3"], async (host) => {
      if (host === "1.1.1.1") throw new Error(`docker failed on ${host} (exit 1: error)\nstderr line`);
      if (host === "1.1.1.3") throw new Error("boom");
      return host;
    }).catch((e: unknown) => e)) as MultiHostError;
    expect(error).toBeInstanceOf(MultiHostError);
    expect(error.message).toBe(
      "Exceptions on 2 hosts:\ndocker failed on 1.1.1.1 (exit 1: error)\n  stderr line\n1.1.1.3: boom",
    );
    expect(error.failures.map((f) => f.host)).toEqual(["1.1.1.1", "1.1.1.3"]);
    expect(error.exitCode).toBe(1);
  });

  it("keeps each host's Docker reason below its headline, without Docker's usage hints", async () => {
    const failed = (host: string, command: string, stderr: string) =>
      new CommandFailedError({ host, command, redacted: command, exitCode: 1, stdout: "", stderr, durationMs: 0 });
    const image = "10.77.0.1:5000/app:4f1c0de";
    const manifest = `Error response from daemon: manifest for ${image} not found: manifest unknown: manifest unknown`;
    const error = (await onHosts(["10.77.0.11", "10.77.0.12"], async (host) => {
      if (host === "10.77.0.11") throw failed(host, `docker pull ${image}`, `${manifest}\n`);
      throw failed(
        host,
        `docker run --detach --name app-web ${image}`,
        `Unable to find image '${image}' locally\ndocker: ${manifest}.\nSee 'docker run --help'.\n`,
      );
    }).catch((e: unknown) => e)) as MultiHostError;
    expect(error.message.split("\n")).toEqual([
      "Exceptions on 2 hosts:",
      `docker pull ${image} failed on 10.77.0.11 (exit 1: error)`,
      `  ${manifest}`,
      `docker run --detach --name app-web ${image} failed on 10.77.0.12 (exit 1: error)`,
      `  Unable to find image '${image}' locally`,
      `  docker: ${manifest}.`,
    ]);
  });

  it("keeps the last lines of a long reason and says how many it left out", async () => {
    const long = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join("\n");
    const error = (await onHosts(["a", "b"], async (host) => {
      throw new Error(`${host} broke\n${long}`);
    }).catch((e: unknown) => e)) as MultiHostError;
    const lines = error.message.split("\n");
    expect(lines.slice(1, 4)).toEqual(["a broke", `  … (${12 - MAX_REASON_LINES} earlier lines)`, "  line 8"]);
    expect(lines.at(-1)).toBe("  line 12");
  });

  it("handles no hosts", async () => {
    expect(await onHosts([], async () => 1)).toEqual([]);
  });
});

describe("Semaphore", () => {
  it("hands slots out in FIFO order and ignores double release", async () => {
    const semaphore = new Semaphore(1);
    const order: number[] = [];
    const first = await semaphore.acquire();
    const second = semaphore.acquire().then((release) => {
      order.push(2);
      return release;
    });
    const third = semaphore.acquire().then((release) => {
      order.push(3);
      return release;
    });
    first();
    first();
    (await second)();
    (await third)();
    expect(order).toEqual([2, 3]);
    expect(semaphore.active).toBe(0);
  });

  it("rejects a limit below 1", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
