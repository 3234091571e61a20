import { describe, expect, it } from "vitest";
import { PauseController } from "./pause-controller.js";

describe("PauseController", () => {
  it("lets requests through synchronously while running", () => {
    expect(new PauseController().wait()).toBe("proceed");
  });

  it("holds requests while paused and releases them on resume", async () => {
    const controller = new PauseController();
    controller.pause(10_000);
    const held = controller.wait();
    expect(held).toBeInstanceOf(Promise);
    controller.resume();
    await expect(held).resolves.toBe("proceed");
  });

  it("times held requests out after fail_after", async () => {
    const controller = new PauseController();
    controller.pause(20);
    await expect(controller.wait()).resolves.toBe("timed-out");
  });

  it("releases held requests as stopped when stopped while paused", async () => {
    const controller = new PauseController();
    controller.pause(10_000);
    const held = controller.wait();
    controller.stop("maintenance");
    await expect(held).resolves.toBe("stopped");
    expect(controller.wait()).toBe("stopped");
    expect(controller.stopMessage).toBe("maintenance");
  });

  it("round-trips the kamal-proxy JSON shape", () => {
    const controller = new PauseController();
    controller.pause(30_000);
    expect(controller.toJSON()).toEqual({ state: 1, stop_message: "", fail_after: 30_000_000_000 });
    const restored = PauseController.fromJSON({ state: 2, stop_message: "bye", fail_after: 0 });
    expect(restored.state).toBe("stopped");
    expect(restored.stopMessage).toBe("bye");
    expect(PauseController.fromJSON(null).state).toBe("running");
  });
});
