import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { createSilentLogger } from "../../log/logger.js";
import { PauseController } from "../pause-controller.js";
import { handlePauseGate } from "./pause.js";

const logger = createSilentLogger();

describe("handlePauseGate", () => {
  it("lets requests through synchronously while running", () => {
    expect(handlePauseGate(fakeExchange().ex, new PauseController(), "/up", logger)).toBe(false);
  });

  it("answers the health path 200 while paused or stopped", () => {
    const pause = new PauseController();
    pause.stop("");
    const { ex, res } = fakeExchange({ url: "/up" });
    expect(handlePauseGate(ex, pause, "/up", logger)).toBe(true);
    expect(res.status).toBe(200);
    const post = fakeExchange({ url: "/up", method: "POST" });
    expect(handlePauseGate(post.ex, pause, "/up", logger)).toBe(true);
    expect(post.res.status).toBe(503);
  });

  it("answers the 503 page with the stop message when stopped", () => {
    const pause = new PauseController();
    pause.stop("Back soon");
    const { ex, res } = fakeExchange();
    expect(handlePauseGate(ex, pause, "/up", logger)).toBe(true);
    expect(res.status).toBe(503);
    expect(res.body).toContain("Back soon");
  });

  it("holds, then proceeds on resume or answers 504 when the pause expires", async () => {
    const pause = new PauseController();
    pause.pause(30);
    const held = fakeExchange();
    const gate = handlePauseGate(held.ex, pause, "/up", logger);
    expect(gate).toBeInstanceOf(Promise);
    await expect(gate).resolves.toBe(true);
    expect(held.res.status).toBe(504);

    pause.pause(10_000);
    const released = handlePauseGate(fakeExchange().ex, pause, "/up", logger);
    pause.resume();
    await expect(released).resolves.toBe(false);
  });
});
