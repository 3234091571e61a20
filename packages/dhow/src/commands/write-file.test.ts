import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redact, render } from "./command.js";
import { writeFile } from "./write-file.js";
import { Sensitive } from "../sensitive.js";

describe("writeFile", () => {
  it("writes any bytes with the given mode, through sh", () => {
    const dir = mkdtempSync(join(tmpdir(), "write-file-"));
    const path = join(dir, "env", "web.env");
    const content = "A='quoted' \"double\" $HOME `tick`\nB=é\n\\n\n";
    execFileSync("sh", ["-c", render(writeFile(path, new Sensitive(content), { mode: 0o600 }))]);
    expect(readFileSync(path, "utf8")).toBe(content);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("shows a secret's content as [REDACTED] and a plain file's content as base64", () => {
    expect(redact(writeFile(".kamal/env/web.env", new Sensitive("SECRET=1\n"), { mode: 0o600 }))).toBe(
      "mkdir -p .kamal/env && touch .kamal/env/web.env && chmod 600 .kamal/env/web.env && printf %s [REDACTED] | base64 -d > .kamal/env/web.env",
    );
    expect(render(writeFile("a/b.html", "<p>hi</p>"))).toBe(
      "mkdir -p a && touch a/b.html && printf %s 'PHA+aGk8L3A+' | base64 -d > a/b.html",
    );
  });
});
