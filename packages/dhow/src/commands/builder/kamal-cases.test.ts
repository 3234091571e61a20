/**
 * Runs every case of Kamal's builder golden file (test/fixtures/golden/builder.json) through the
 * `builder` golden dispatch, with a config built here from the case (service, image, registry, version,
 * destination, builder, secrets) so the builders are checked independently of the full config loader.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { builderGroup } from "../../../scripts/golden/builder.js";
import type { GoldenConstructContext } from "../../../scripts/golden/types.js";
import { createBuilderConfig, type RawBuilderConfig } from "../../config/sections/builder.js";
import { BuilderError } from "../../errors.js";
import { type Command, flatten, render } from "../command.js";
import type { BuilderCommandConfig } from "./base.js";

interface GoldenCase {
  id: string;
  config: {
    service: string;
    image: string;
    registry: { server?: string };
    builder?: RawBuilderConfig;
  };
  destination: string | null;
  version: string | null;
  secrets: Record<string, string>;
  files_present?: string[];
  stubs: Record<string, string | boolean>;
  call: { method: string; positional?: unknown[]; args: Record<string, unknown>; pick?: number };
  assert: string;
  expected: unknown;
  pattern?: string;
  pattern_flags?: string;
  suffix?: string;
  expected_list?: string[];
  raises_message?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, "../../../test/fixtures/golden/builder.json");
const cases: GoldenCase[] = JSON.parse(readFileSync(fixture, "utf8")).cases;
const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

/** The resolved config a case describes (the parts builder commands read). */
function caseConfig(c: GoldenCase): BuilderCommandConfig {
  const server = c.config.registry.server;
  const localRegistry = server !== undefined && /^localhost[:$]/.test(server);
  const repository = [server, c.config.image].filter((part) => part !== undefined).join("/");
  const latest = c.destination ? `latest-${c.destination}` : "latest";
  return {
    service: c.config.service,
    repository,
    absoluteImage: `${repository}:${c.version}`,
    latestImage: `${repository}:${latest}`,
    builder: createBuilderConfig(c.config.builder, {
      service: c.config.service,
      image: c.config.image,
      repository,
      registryServer: server,
      localRegistry,
      secrets: {
        get(key) {
          const value = c.secrets[key];
          if (value === undefined) throw new Error(`Secret '${key}' not found`);
          return value;
        },
      },
      destination: c.destination ?? undefined,
    }),
  };
}

function sandbox(files: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "dhow-golden-builder-"));
  sandboxes.push(dir);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), "");
  }
  return dir;
}

function run(c: GoldenCase): unknown {
  const context = {
    config: caseConfig(c),
    constructorArgs: {},
    stubs: c.stubs,
    cwd: sandbox(c.files_present ?? []),
  } as unknown as GoldenConstructContext;
  const instance = builderGroup.construct(context);
  const out = builderGroup.call(instance, {
    method: c.call.method,
    positional: c.call.positional ?? [],
    args: c.call.args,
  });
  if (c.call.pick !== undefined) return render((out as Command[])[c.call.pick] as Command);
  return typeof out === "string" ? out : render(out as Command);
}

describe("Kamal builder golden cases", () => {
  it("has the cases", () => {
    expect(cases.length).toBe(45);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    if (c.assert === "raises") {
      expect(() => run(c)).toThrow(BuilderError);
      expect(() => run(c)).toThrow(c.raises_message as string);
      return;
    }
    const out = run(c);
    expect(out).toBe(c.expected);
    if (c.assert === "match") expect(out).toMatch(new RegExp(c.pattern as string, c.pattern_flags));
    if (c.assert === "no_match") expect(out).not.toMatch(new RegExp(c.pattern as string, c.pattern_flags));
    if (c.assert === "any_ends_with") {
      const all = builderGroup.call(builderGroup.construct(contextFor(c)), {
        method: c.call.method,
        positional: [],
        args: {},
      }) as Command[];
      expect(all.map((command) => render(command))).toEqual(c.expected_list);
      expect(all.some((command) => render(command).endsWith(c.suffix as string))).toBe(true);
    }
  });

  it("redacts build args in the logged form only", () => {
    const c = cases.find((each) => each.id === "builder.build_args") as GoldenCase;
    const out = run(c);
    expect(out).toContain('--build-arg a="1"');
    const options = builderGroup.call(builderGroup.construct(contextFor(c)), {
      method: "target.build_options",
      positional: [],
      args: {},
    }) as Command;
    expect(flatten(options).map(String)).toContain("a=[REDACTED]");
  });
});

function contextFor(c: GoldenCase): GoldenConstructContext {
  return {
    config: caseConfig(c),
    constructorArgs: {},
    stubs: c.stubs,
    cwd: sandbox(c.files_present ?? []),
  } as unknown as GoldenConstructContext;
}
