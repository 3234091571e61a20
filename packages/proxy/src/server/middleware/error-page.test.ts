import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeExchange, tempDir } from "../../../test/helpers.js";
import { loadErrorPages, renderErrorBody } from "../error-pages.js";
import { sendErrorPage } from "./error-page.js";

describe("error pages", () => {
  it("renders built-in pages with text/html and the stop message on 503", () => {
    const { ex, res } = fakeExchange();
    sendErrorPage(ex, 503, { Message: "Back <soon>" });
    expect(res.status).toBe(503);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body).toContain("Back &lt;soon&gt;");
    expect(ex.status).toBe(503);
  });

  it("falls back to a plain heading for statuses without a page", () => {
    expect(renderErrorBody(undefined, 400).toString()).toBe("<h1>400 Bad Request</h1>");
    expect(renderErrorBody(undefined, 404).toString()).toContain("Not Found");
  });

  it("uses --error-pages templates and falls back to built-in pages for other statuses", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "503.html"), "<p>{{ if .Message }}{{ .Message }}{{ else }}down{{ end }}</p>");
    writeFileSync(join(dir, "notes.txt"), "ignored");
    const pages = await loadErrorPages(dir);
    expect(renderErrorBody(pages, 503, { Message: "maintenance" }).toString()).toBe("<p>maintenance</p>");
    expect(renderErrorBody(pages, 503).toString()).toBe("<p>down</p>");
    expect(renderErrorBody(pages, 502).toString()).toContain("Bad Gateway");
  });

  it("fails to load a missing directory or a broken template", async () => {
    await expect(loadErrorPages("/nonexistent/pages")).rejects.toThrow(/unable to load error pages/);
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "500.html"), "{{ if .X }}");
    await expect(loadErrorPages(dir)).rejects.toThrow(/unable to load error pages: template: 500.html/);
  });

  it("cuts the connection when the response already started", () => {
    const { ex, res } = fakeExchange();
    res.headersSent = true;
    sendErrorPage(ex, 502);
    expect(res.destroyed).toBe(true);
  });
});
