import { describe, expect, it } from "vitest";
import type { RemoteForward } from "../../remote/executor.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { withRegistryForwards } from "./forward-port.js";
import { testContext } from "../../testing/test-context.js";

const LOCAL = { ...TRACE_CONFIG, registry: { server: "localhost:5555" } };

describe("withRegistryForwards", () => {
  it("runs the work directly when the registry is not local", async () => {
    const ctx = testContext({ raw: TRACE_CONFIG });
    expect(await withRegistryForwards(ctx, ["1.1.1.1"], async () => "done")).toBe("done");
    expect(ctx.executor.calls).toEqual([]);
  });

  it("closes the forwards it opened when another host's forward fails", async () => {
    class FailingOn extends RecordingExecutor {
      override async forwardRemotePort(host: string, port: number): Promise<RemoteForward> {
        if (host === "1.1.1.2") throw new Error("remote port forwarding failed for listen port 5555");
        return super.forwardRemotePort(host, port);
      }
    }
    const executor = new FailingOn();
    const ctx = testContext({ raw: LOCAL, executor });
    let ran = false;
    await expect(
      withRegistryForwards(ctx, ["1.1.1.1", "1.1.1.2"], async () => {
        ran = true;
      }),
    ).rejects.toThrow("Error setting up port forwarding: remote port forwarding failed for listen port 5555");
    expect(ran).toBe(false);
    expect(executor.forwards).toEqual([]);
  });
});
