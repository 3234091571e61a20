import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  configDocsDirectory,
  EXAMPLE_PATHS,
  EXAMPLES_FILE,
  type ExampleName,
  parseConfigExample,
} from "./config-docs.js";

describe("config-docs/examples.json", () => {
  it("holds exactly the examples Kamal's YAML docs give", () => {
    const parsed = Object.fromEntries(
      (Object.keys(EXAMPLE_PATHS) as ExampleName[]).map((name) => [name, parseConfigExample(name)]),
    );
    const file = join(configDocsDirectory(), EXAMPLES_FILE);
    if (process.env["UPDATE_CONFIG_EXAMPLES"]) writeFileSync(file, `${JSON.stringify(parsed, null, 1)}\n`);
    // Every value survives JSON (no dates, symbols or other Ruby types in the examples).
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(parsed);
  });
});
