import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, MissingToolError } from "../../errors.js";
import { destinationFile, loadConfigFile, type RubyRenderer } from "./load-file.js";

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "dhow-load-"));
  mkdirSync(join(cwd, "config"));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function write(name: string, text: string): void {
  writeFileSync(join(cwd, name), text);
}

const BASE = `service: app
image: dhh/app
servers:
  web:
    - 1.1.1.1
  workers:
    hosts:
      - 1.1.1.3
registry:
  username: user
  password: [PASS]
env:
  clear:
    A: base
    B: base
`;

describe("loadConfigFile", () => {
  it("loads a file as Kamal's raw config, keeping x- keys", () => {
    write("config/deploy.yml", `${BASE}x-common: &c {k: v}\n`);
    const loaded = loadConfigFile({ file: "config/deploy.yml", cwd, env: {} });
    expect(loaded.files).toEqual(["config/deploy.yml"]);
    expect(loaded.raw.service).toBe("app");
    expect(loaded.raw["x-common"]).toEqual({ k: "v" });
  });

  it("deep-merges the destination file over the base (hashes merge, other values are replaced)", () => {
    write("config/deploy.yml", BASE);
    write(
      "config/deploy.staging.yml",
      "servers:\n  web:\n    - 2.2.2.2\nenv:\n  clear:\n    B: dest\n    C: dest\nregistry:\n  password: ~\n",
    );
    const loaded = loadConfigFile({ file: "config/deploy.yml", destination: "staging", cwd, env: {} });
    expect(loaded.files).toEqual(["config/deploy.yml", "config/deploy.staging.yml"]);
    expect(loaded.raw.servers).toEqual({ web: ["2.2.2.2"], workers: { hosts: ["1.1.1.3"] } });
    expect(loaded.raw.env).toEqual({ clear: { A: "base", B: "dest", C: "dest" } });
    expect(loaded.raw.registry).toEqual({ username: "user", password: null });
  });

  it("locates keys in the file that set them last", () => {
    write("config/deploy.yml", BASE);
    write("config/deploy.staging.yml", "env:\n  clear:\n    B: dest\n");
    const loaded = loadConfigFile({ file: "config/deploy.yml", destination: "staging", cwd, env: {} });
    expect(loaded.locate(["env", "clear", "B"])).toEqual({ file: "config/deploy.staging.yml", line: 3, column: 8 });
    expect(loaded.locate(["env", "clear", "A"])).toEqual({ file: "config/deploy.yml", line: 14, column: 8 });
    expect(loaded.locate(["servers", "workers", "hosts", 0])).toEqual({
      file: "config/deploy.yml",
      line: 8,
      column: 9,
    });
  });

  it("sets KAMAL_DESTINATION for ERB, and removes it without a destination", () => {
    write("config/deploy.yml", `${BASE}labels:\n  dest: "<%= ENV['KAMAL_DESTINATION'] %>"\n`);
    write("config/deploy.world.yml", "{}");
    const env = { KAMAL_DESTINATION: "stale" };
    expect(loadConfigFile({ file: "config/deploy.yml", destination: "world", cwd, env }).raw.labels).toEqual({
      dest: "world",
    });
    expect(loadConfigFile({ file: "config/deploy.yml", cwd, env }).raw.labels).toEqual({ dest: "" });
  });

  it("renders the common ERB forms without Ruby and maps lines back to the template", () => {
    write(
      "config/deploy.yml",
      `<%# comment %>
service: <%= ENV.fetch("SERVICE", "app") %>
<% if ENV["EXTRA"] %>
extra: 1
<% end %>
image: <%= ENV["IMAGE"] %>
`,
    );
    const loaded = loadConfigFile({ file: "config/deploy.yml", cwd, env: { IMAGE: "dhh/app" } });
    expect(loaded.raw).toEqual({ service: "app", image: "dhh/app" });
    expect(loaded.locate(["image"])).toEqual({ file: "config/deploy.yml", line: 6, column: 8 });
  });

  it("reports a missing ENV.fetch variable at its line, as Ruby's KeyError", () => {
    write("config/deploy.yml", 'service: app\nimage: <%= ENV.fetch("IMAGE") %>\n');
    expect(() => loadConfigFile({ file: "config/deploy.yml", cwd, env: {} })).toThrow(
      'key not found: "IMAGE" (KeyError) (config/deploy.yml:2)',
    );
  });

  it("renders other ERB with the Ruby renderer, given the real path and cwd", () => {
    write("config/deploy.yml", "service: <%= `hostname`.strip %>\nimage: x\n");
    const calls: unknown[] = [];
    const ruby: RubyRenderer = {
      render(template, file, env, options) {
        calls.push({ file, cwd: options?.cwd, displayFile: options?.displayFile, dest: env.KAMAL_DESTINATION });
        return template.replace("<%= `hostname`.strip %>", "from-ruby");
      },
    };
    const loaded = loadConfigFile({ file: "config/deploy.yml", cwd, env: {}, ruby });
    expect(loaded.raw).toEqual({ service: "from-ruby", image: "x" });
    expect(calls).toEqual([
      { file: join(cwd, "config/deploy.yml"), cwd, displayFile: "config/deploy.yml", dest: undefined },
    ]);
    expect(loaded.locate(["image"])).toEqual({ file: "config/deploy.yml", line: 2, column: 8 });
  });

  it("says Ruby is needed, with file, line and construct, when it is missing", () => {
    write("config/deploy.yml", 'service: app\n<% require "dotenv"; Dotenv.load %>\nimage: x\n');
    const missing: RubyRenderer = {
      render() {
        throw new MissingToolError("ruby not found");
      },
    };
    for (const ruby of [missing, undefined]) {
      try {
        loadConfigFile({ file: "config/deploy.yml", cwd, env: {}, ruby });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as ConfigError).message;
        expect(message).toContain('<% require "dotenv"; Dotenv.load %> needs Ruby');
        expect(message).toMatch(/\(config\/deploy\.yml:2\)$/);
      }
    }
  });

  it("fails like Kamal for a missing base or destination file", () => {
    expect(() => loadConfigFile({ file: "config/deploy.yml", cwd, env: {} })).toThrow(
      "Configuration file not found in config/deploy.yml",
    );
    write("config/deploy.yml", BASE);
    expect(() => loadConfigFile({ file: "config/deploy.yml", destination: "missing", cwd, env: {} })).toThrow(
      "Configuration file not found in config/deploy.missing.yml",
    );
  });

  it("rejects a file that is not a hash", () => {
    write("config/deploy.yml", "");
    expect(() => loadConfigFile({ file: "config/deploy.yml", cwd, env: {} })).toThrow(
      "Configuration file config/deploy.yml is empty",
    );
    write("config/deploy.yml", "- a\n- b\n");
    expect(() => loadConfigFile({ file: "config/deploy.yml", cwd, env: {} })).toThrow("holds a YAML list");
  });

  it("names the destination file as Pathname#sub_ext does", () => {
    expect(destinationFile("config/deploy.yml", "staging")).toBe("config/deploy.staging.yml");
    expect(destinationFile("config/deploy.yaml", "staging")).toBe("config/deploy.staging.yml");
    expect(destinationFile("deploy", "prod")).toBe("deploy.prod.yml");
    expect(destinationFile("config/deploy/site.yml", "beta")).toBe("config/deploy/site.beta.yml");
  });
});
