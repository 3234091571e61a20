import { describe, expect, it } from "vitest";
import { parseProxyList, routesTo } from "./routes.js";

const pad = (text: string, width: number) => text.padEnd(width).slice(0, width);

describe("parseProxyList", () => {
  it("reads dhow-proxy's table (ANSI styles, 30-character columns)", () => {
    const style = (s: string, code: string) => `\u001b[${code}m${s}\u001b[0m`;
    const row = (cells: [string, number][], code = "") =>
      `${cells.map(([text, width]) => (code ? style(pad(text, width), code) : pad(text, width))).join("")}\n`;
    const text =
      row(
        [
          ["Service", 30],
          ["Host", 30],
          ["Path", 30],
          ["Target", 30],
          ["State", 10],
          ["TLS", 10],
        ],
        "3;94",
      ) +
      row([
        ["app-web", 30],
        ["app.example.com,www.example.com,x", 30],
        ["/", 30],
        ["4f1c2a3b9d8e:80", 30],
        ["running", 10],
        ["no", 10],
      ]) +
      row([
        ["app-api", 30],
        ["*", 30],
        ["/api", 30],
        ["aaaaaaaaaaaa:3000,bbbbbbbbbbbb:3000", 30],
        ["paused", 10],
        ["yes", 10],
      ]);
    const routes = parseProxyList(text);
    expect(routes.get("app-web")).toEqual(["4f1c2a3b9d8e:80"]);
    // The column is cut at 30 characters, as kamal-proxy's is: the second target loses its port.
    expect(routes.get("app-api")).toEqual(["aaaaaaaaaaaa:3000", "bbbbbbbbbbbb"]);
    expect(routesTo(routes.get("app-api") ?? [], { id: "bbbbbbbbbbbb" })).toBe(true);
  });

  it("reads a table whose columns are aligned to their content (kamal-proxy, older ones without Path)", () => {
    const text = [
      "Service                   Host                  Target             State    TLS",
      "cbennell_com-web-main     cbennell.com          6db082a60123:80    running  yes",
      "",
    ].join("\n");
    expect(parseProxyList(text).get("cbennell_com-web-main")).toEqual(["6db082a60123:80"]);
  });

  it("is empty for no services or other output", () => {
    expect(parseProxyList("").size).toBe(0);
    expect(parseProxyList("Error: no such container: kamal-proxy\n").size).toBe(0);
  });
});

describe("routesTo", () => {
  it("matches a container by its short or long ID, or by name", () => {
    expect(routesTo(["4f1c2a3b9d8e:80"], { id: "4f1c2a3b9d8e" })).toBe(true);
    expect(routesTo(["4f1c2a3b9d8e:80"], { id: "4f1c2a3b9d8e0123456789" })).toBe(true);
    expect(routesTo(["app-web-v2:80"], { id: "", name: "app-web-v2" })).toBe(true);
    expect(routesTo(["4f1c2a3b9d8e:80"], { id: "999999999999", name: "app-web-v1" })).toBe(false);
    expect(routesTo([], { id: "4f1c2a3b9d8e" })).toBe(false);
    expect(routesTo(["4f1c2a3b9d8e:80"], { id: "" })).toBe(false);
  });
});
