import { describe, expect, it } from "vitest";
import { formatList, useColor } from "./list.js";

describe("formatList", () => {
  it("prints kamal-proxy's columns, * for no host, and restore failures", () => {
    const text = formatList({
      services: [
        {
          service: "app-web",
          hosts: [],
          paths: ["/"],
          targets: ["web-1:3000"],
          readers: ["web-2:3000"],
          state: "paused",
          tls: false,
          targetHealth: [],
        },
      ],
      failures: [{ service: "broken", error: "unable to load TLS certificate" }],
    });
    const plain = text.replace(/\u001b\[[0-9;]*m/g, "");
    const lines = plain.split("\n");
    expect(lines[0]).toBe(
      `${"Service".padEnd(30)}${"Host".padEnd(30)}${"Path".padEnd(30)}${"Target".padEnd(30)}${"State".padEnd(10)}${"TLS".padEnd(10)}`,
    );
    expect(lines[1]).toBe(
      `${"app-web".padEnd(30)}${"*".padEnd(30)}${"/".padEnd(30)}${"web-1:3000,web-2:3000".padEnd(30)}${"paused".padEnd(10)}${"no".padEnd(10)}`,
    );
    expect(lines[2]).toContain("broken");
    expect(lines[2]).toContain("error");
    expect(lines[3]).toBe("Service broken could not be restored: unable to load TLS certificate");
    expect(text).toContain("\u001b[1;34mapp-web");
    expect(formatList({ services: [], failures: [] }, { color: false })).toBe(lines[0] + "\n");
  });

  it("uses colour only on a terminal without NO_COLOR", () => {
    expect(useColor({ stdoutIsTTY: true, env: {} })).toBe(true);
    expect(useColor({ stdoutIsTTY: false, env: {} })).toBe(false);
    expect(useColor({ env: {} })).toBe(false);
    expect(useColor({ stdoutIsTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
  });
});
