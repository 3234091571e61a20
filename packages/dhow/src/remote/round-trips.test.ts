import { describe, expect, it } from "vitest";
import { RoundTripCounter } from "./round-trips.js";

describe("RoundTripCounter", () => {
  it("tallies exec channels and SFTP sessions per host", () => {
    const counter = new RoundTripCounter();
    counter.exec("10.0.0.1");
    counter.exec("10.0.0.1");
    counter.sftp("10.0.0.1");
    counter.sftp("10.0.0.2");
    expect(counter.snapshot()).toEqual([
      { host: "10.0.0.1", exec: 2, sftp: 1 },
      { host: "10.0.0.2", exec: 0, sftp: 1 },
    ]);
  });

  it("orders hosts by name, numbers compared as numbers", () => {
    const counter = new RoundTripCounter();
    for (const host of ["10.0.0.10", "web-2", "10.0.0.2", "web-10", "10.0.0.1"]) counter.exec(host);
    expect(counter.snapshot().map((trips) => trips.host)).toEqual([
      "10.0.0.1",
      "10.0.0.2",
      "10.0.0.10",
      "web-2",
      "web-10",
    ]);
  });

  it("hands out copies: a snapshot does not change with later counts", () => {
    const counter = new RoundTripCounter();
    counter.exec("h");
    const first = counter.snapshot();
    counter.exec("h");
    expect(first).toEqual([{ host: "h", exec: 1, sftp: 0 }]);
    expect(counter.snapshot()).toEqual([{ host: "h", exec: 2, sftp: 0 }]);
  });
});
