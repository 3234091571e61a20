import { describe, expect, it } from "vitest";
import { formatRoundTrips } from "./round-trips.js";

describe("formatRoundTrips", () => {
  it("prints each host's total, then its exec channels and SFTP sessions", () => {
    expect(
      formatRoundTrips([
        { host: "10.0.0.1", exec: 21, sftp: 2 },
        { host: "10.0.0.2", exec: 21, sftp: 0 },
      ]),
    ).toBe("SSH round trips: 10.0.0.1 23 (21 exec, 2 sftp), 10.0.0.2 21 (21 exec, 0 sftp)");
  });

  it("prints nothing when no host was contacted", () => {
    expect(formatRoundTrips([])).toBeUndefined();
  });
});
