import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, MissingToolError } from "../errors.js";
import type { LocalResult } from "./local.js";
import { createRubyErbRenderer } from "./ruby-erb.js";

function result(partial: Partial<LocalResult>): LocalResult {
  return { command: "ruby", exitCode: 0, stdout: "", stderr: "", notFound: false, durationMs: 1, ...partial };
}

describe("createRubyErbRenderer (with a fake runner)", () => {
  it("passes the template on stdin, the path as argument, ENV and cwd", () => {
    const calls: unknown[] = [];
    const renderer = createRubyErbRenderer({
      run: (file, args, options) => {
        calls.push({ file, last: args.at(-1), input: options?.input, env: options?.env, cwd: options?.cwd });
        return result({ stdout: "rendered" });
      },
    });
    expect(renderer.render("tpl", "/p/config/deploy.yml", { A: "1" }, { cwd: "/p" })).toBe("rendered");
    expect(calls).toEqual([{ file: "ruby", last: "/p/config/deploy.yml", input: "tpl", env: { A: "1" }, cwd: "/p" }]);
  });

  it("throws MissingToolError when ruby is not installed", () => {
    const renderer = createRubyErbRenderer({ run: () => result({ exitCode: 127, notFound: true }) });
    expect(() => renderer.render("x", "f.yml", {})).toThrow(MissingToolError);
  });

  it("turns the script's error report into a ConfigError at the template line", () => {
    const report = `DHOW-ERB-ERROR ${JSON.stringify(["KeyError", 3, 'key not found: "X"'])}`;
    const renderer = createRubyErbRenderer({ run: () => result({ exitCode: 3, stderr: `warning\n${report}\n` }) });
    expect(() => renderer.render("x", "/abs/deploy.yml", {}, { displayFile: "config/deploy.yml" })).toThrow(
      'key not found: "X" (KeyError) (config/deploy.yml:3)',
    );
  });

  it("reports other failures with ruby's stderr", () => {
    const renderer = createRubyErbRenderer({ run: () => result({ exitCode: 1, stderr: "boom" }) });
    expect(() => renderer.render("x", "f.yml", {})).toThrow(ConfigError);
    expect(() => renderer.render("x", "f.yml", {})).toThrow("Ruby failed to render the ERB in f.yml (exit 1): boom");
  });
});

const hasRuby = spawnSync("ruby", ["-v"]).status === 0;

describe.skipIf(!hasRuby)("createRubyErbRenderer with the system ruby", () => {
  const dir = mkdtempSync(join(tmpdir(), "dhow-ruby-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const renderer = createRubyErbRenderer();
  const env = { PATH: process.env.PATH, KAMAL_DESTINATION: "staging", HOST: "1.2.3.4" };

  it("renders ERB with trim mode '-', ENV, __FILE__ and __dir__", () => {
    const file = join(dir, "deploy.yml");
    const template = [
      "a: <%= ENV['HOST'] %>",
      "<%- [1, 2].each do |n| -%>",
      "n<%= n %>: <%= n * 2 %>",
      "<%- end -%>",
      "dest: <%= ENV.fetch('KAMAL_DESTINATION') %>",
      "file: <%= File.basename(__FILE__) %>",
      "dir: <%= __dir__ == File.dirname(__FILE__) %>",
      "cwd: <%= Dir.pwd == File.realpath(ENV.fetch('CWD')) %>",
      "blank: <%= ENV['NOPE'].blank? %> <%= ''.presence.inspect %>",
    ].join("\n");
    const output = renderer.render(template, file, { ...env, CWD: dir }, { cwd: dir });
    expect(output).toBe(
      "a: 1.2.3.4\nn1: 2\nn2: 4\ndest: staging\nfile: deploy.yml\ndir: true\ncwd: true\nblank: true nil",
    );
  });

  it("provides Dotenv.load when the dotenv gem is absent, refusing $ substitutions", () => {
    writeFileSync(join(dir, ".env"), '# comment\nexport FROM_DOTENV=yes\nQUOTED="a b"\nHOST=ignored\n');
    const output = renderer.render(
      '<% require "dotenv"; Dotenv.load %>x: <%= ENV["FROM_DOTENV"] %> <%= ENV["QUOTED"] %> <%= ENV["HOST"] %>',
      join(dir, "deploy.yml"),
      env,
      { cwd: dir },
    );
    expect(output).toBe("x: yes a b 1.2.3.4");
    writeFileSync(join(dir, ".env.sub"), "X=$HOME/x\n");
    const gem = spawnSync("ruby", ["-e", 'require "dotenv"']).status === 0;
    if (!gem) {
      expect(() =>
        renderer.render('<% require "dotenv"; Dotenv.load(".env.sub") %>', join(dir, "d.yml"), env, { cwd: dir }),
      ).toThrow("$ substitution needs the dotenv gem");
    }
  });

  it("reports Ruby exceptions with the template line", () => {
    expect(() =>
      renderer.render("a: 1\nb: <%= ENV.fetch('MISSING_X') %>\n", join(dir, "deploy.yml"), env, {
        cwd: dir,
        displayFile: "config/deploy.yml",
      }),
    ).toThrow('key not found: "MISSING_X" (KeyError) (config/deploy.yml:2)');
    expect(() => renderer.render("a: <%= 1 + %>\n", join(dir, "deploy.yml"), env, { cwd: dir })).toThrow(/SyntaxError/);
  });
});
