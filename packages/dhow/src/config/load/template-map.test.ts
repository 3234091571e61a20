import { describe, expect, it } from "vitest";
import { identityMap, lineMatchMap } from "./template-map.js";

describe("template maps", () => {
  it("identityMap gives 1-based line and column", () => {
    const map = identityMap("ab\ncd\n");
    expect(map.position(0)).toEqual({ line: 1, column: 1 });
    expect(map.position(4)).toEqual({ line: 2, column: 2 });
  });

  it("lineMatchMap aligns Ruby output with the template around expanded loops", () => {
    const template = [
      "servers:", //                                    1
      "  web:", //                                      2
      "<% hosts.each do |h| %>", //                     3
      "    - <%= h %>", //                                 4
      "<% end %>", //                                    5
      "proxy:", //                                      6
      "  host: <%= host %>", //                         7
      "  app_port: 3000", //                            8
    ].join("\n");
    const output = [
      "servers:",
      "  web:",
      "",
      "    - a",
      "",
      "    - b",
      "",
      "proxy:",
      "  host: x",
      "  app_port: 3000",
    ].join("\n");
    const map = lineMatchMap(template, output);
    const lineOf = (text: string) => map.position(output.indexOf(text)).line;
    expect(lineOf("proxy:")).toBe(6);
    expect(lineOf("  host: x")).toBe(7);
    expect(lineOf("  app_port")).toBe(8);
    expect(lineOf("    - a")).toBeGreaterThanOrEqual(3);
    expect(lineOf("    - b")).toBeLessThanOrEqual(5);
    expect(map.position(output.indexOf("  app_port") + 2)).toEqual({ line: 8, column: 3 });
  });
});
