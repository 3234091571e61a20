import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { stageDependencies } from "../scripts/docker-context.js";

describe("stageDependencies", () => {
  it("copies the production dependency closure so it resolves without the workspace", () => {
    const out = join(tempDir(), "node_modules");
    const names = stageDependencies(resolve(import.meta.dirname, ".."), out);
    expect(names).toEqual(expect.arrayContaining(["acme-client", "commander", "undici", "axios", "@peculiar/x509"]));
    expect(existsSync(join(out, "vitest"))).toBe(false);
    const require = createRequire(join(out, "..", "index.js"));
    expect(require.resolve("acme-client")).toContain(out);
    expect(require.resolve("axios")).toContain(out);
    expect(names.some((name) => name.includes("/node_modules/"))).toBe(true);
  });
});
