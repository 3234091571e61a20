import { describe, expect, it } from "vitest";
import { fnv32a, RolloutController } from "./rollout-controller.js";

describe("fnv32a", () => {
  it("matches the FNV-1a reference values", () => {
    expect(fnv32a("")).toBe(0x811c9dc5);
    expect(fnv32a("a")).toBe(0xe40c292c);
    expect(fnv32a("foobar")).toBe(0xbf9cf968);
  });
});

describe("RolloutController", () => {
  it("sends no-cookie requests to active", () => {
    expect(new RolloutController(100, []).usesRollout(undefined)).toBe(false);
  });

  it("sends allowlisted values to rollout even at 0%", () => {
    const c = new RolloutController(0, ["beta-user"]);
    expect(c.usesRollout("kamal-rollout=beta-user")).toBe(true);
    expect(c.usesRollout("kamal-rollout=other")).toBe(false);
  });

  it("splits by hash: 100% takes everything, 0% nothing, 50% roughly half and sticky", () => {
    expect(new RolloutController(100, []).usesRollout("kamal-rollout=x")).toBe(true);
    expect(new RolloutController(0, []).usesRollout("kamal-rollout=x")).toBe(false);
    const half = new RolloutController(50, []);
    let hits = 0;
    for (let i = 0; i < 1000; i++) if (half.usesRollout(`a=b; kamal-rollout=user-${i}`)) hits++;
    expect(hits).toBeGreaterThan(400);
    expect(hits).toBeLessThan(600);
    expect(half.usesRollout("kamal-rollout=user-7")).toBe(half.usesRollout("kamal-rollout=user-7"));
  });

  it("round-trips the state JSON", () => {
    const json = new RolloutController(25, ["a"]).toJSON();
    expect(json.percentage).toBe(25);
    expect(json.allowlist).toEqual(["a"]);
    expect(RolloutController.fromJSON(json)?.percentage).toBe(25);
    expect(RolloutController.fromJSON(null)).toBeUndefined();
  });
});
