import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../pages/escape-html.js";
import { parseTemplate } from "./template.js";

describe("parseTemplate", () => {
  it("renders fields with HTML escaping", () => {
    expect(parseTemplate("t", "<p>{{ .Message }}</p>").render({ Message: "<b>&" })).toBe("<p>&lt;b&gt;&amp;</p>");
  });

  it("supports if/else/end as kamal-proxy's 503 page uses them", () => {
    const t = parseTemplate("503.html", "{{ if .Message }}<p>{{ .Message }}</p>{{ else }}<p>default</p>{{ end }}");
    expect(t.render({ Message: "Back soon" })).toBe("<p>Back soon</p>");
    expect(t.render({ Message: "" })).toBe("<p>default</p>");
    expect(t.render(undefined)).toBe("<p>default</p>");
  });

  it("supports else if, with, comments and trim markers", () => {
    const t = parseTemplate(
      "t",
      "a {{- /* c */ -}} b{{if .A}}1{{else if .B}}2{{else}}3{{end}}{{with .C}}[{{.}}]{{end}}",
    );
    expect(t.render({ B: true, C: "x" })).toBe("ab2[x]");
    expect(t.render({})).toBe("ab3");
  });

  it("rejects unsupported or malformed templates", () => {
    expect(() => parseTemplate("x.html", '{{ template "a" }}')).toThrow(/template: x.html:1: unsupported action/);
    expect(() => parseTemplate("x.html", "{{ if .A }}")).toThrow(/unexpected EOF/);
    expect(() => parseTemplate("x.html", "{{ end }}")).toThrow(/unexpected \{\{end\}\}/);
    expect(() => parseTemplate("x.html", "{{ .A ")).toThrow(/unclosed action/);
  });

  it("escapeHtml escapes quotes", () => {
    expect(escapeHtml(`"'`)).toBe("&#34;&#39;");
  });
});
