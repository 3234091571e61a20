import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ErbRuntimeError, renderBuiltinErb } from "./eval.js";
import { scanErb } from "./scan.js";

const ENV = { HOST: "1.2.3.4", EMPTY: "", PORT: "3000", SPACED: "  x  ", DEST: "staging" };

function render(template: string, env: NodeJS.ProcessEnv = ENV): string {
  const result = renderBuiltinErb(template, env);
  if (!result.ok) throw new Error(`unsupported: ${result.construct}`);
  return result.output;
}

// Each row renders identically with Ruby's `ERB.new(t, trim_mode: "-").result` (checked below when ruby exists).
const FORMS: [string, string][] = [
  ['a: <%= ENV["HOST"] %>', "a: 1.2.3.4"],
  ["a: <%= ENV['HOST'] %>", "a: 1.2.3.4"],
  ['a: <%= ENV["MISSING"] %>.', "a: ."],
  ['a: <%= ENV.fetch("HOST") %>', "a: 1.2.3.4"],
  ['a: <%= ENV.fetch("MISSING", "dflt") %>', "a: dflt"],
  ["a: <%= ENV.fetch('MISSING', 22) %>", "a: 22"],
  ["a: <%= ENV.fetch('M1', ENV.fetch('M2', ENV.fetch('PORT', 'x'))) %>", "a: 3000"],
  ['a: <%= ENV.fetch("MISSING") { "blk" } %>', "a: blk"],
  ['a: <%= ENV["MISSING"] || ENV["HOST"] || "z" %>', "a: 1.2.3.4"],
  ['a: <%= ENV["EMPTY"] || "z" %>', "a: "],
  ['a: <%= ENV["EMPTY"].presence || "z" %>', "a: z"],
  ['a: <%= ENV["SPACED"].strip %>!', "a: x!"],
  ['a: <%= ENV.fetch("DEST", "x") == "staging" %>', "a: true"],
  ['a: <%= ENV.fetch("PORT", 1).to_s.inspect %>', 'a: "3000"'],
  ['a: <%= "#{1}" if false %>', "UNSUPPORTED"],
  ["<%# a comment %>b", "b"],
  ["<%% literal %>", "<% literal %>"],
  ["x\n<%- if ENV['HOST'] -%>\ny\n<%- end -%>\nz", "x\ny\nz"],
  ["x\n  <%- if ENV['MISSING'] -%>\ny\n  <%- end -%>\nz", "x\nz"],
  ['<% if ENV["MISSING"] %>a<% elsif ENV["HOST"] %>b<% else %>c<% end %>', "b"],
  ['<% unless ENV["MISSING"] %>a<% else %>c<% end %>', "a"],
  ['<% if ENV["HOST"] == "1.2.3.4" && !ENV["MISSING"] %>ok<% end %>', "ok"],
  ["<% if ENV['HOST'].present? %>p<% end %><% if ENV['EMPTY'].blank? %>b<% end %>", "pb"],
  ["<% if ENV.key?('HOST') %>k<% end %>", "k"],
  ["a <%- ENV['HOST'] %>b", "a b"],
  ["a -%>\nb", "a -%>\nb"],
  ["<%\n # a comment line\n%>x", "x"],
];

describe("renderBuiltinErb", () => {
  it.each(FORMS.filter(([, out]) => out !== "UNSUPPORTED"))("%j", (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it("raises Ruby's KeyError for ENV.fetch without default", () => {
    expect(() => render('a: <%= ENV.fetch("NOPE") %>')).toThrow(ErbRuntimeError);
    try {
      render('a: 1\nb: <%= ENV.fetch("NOPE") %>');
    } catch (error) {
      expect((error as ErbRuntimeError).message).toBe('key not found: "NOPE"');
      expect((error as ErbRuntimeError).rubyClass).toBe("KeyError");
      expect((error as ErbRuntimeError).src).toBe(8);
    }
  });

  it("evaluates fetch defaults eagerly, as Ruby does", () => {
    expect(() => render('<%= ENV.fetch("HOST", ENV.fetch("NOPE")) %>')).toThrow('key not found: "NOPE"');
  });

  it("runs raise in a fetch block", () => {
    expect(() => render('<%= ENV.fetch("NOPE") { raise "set NOPE" } %>')).toThrow("set NOPE");
  });

  it("reports NoMethodError on nil like Ruby", () => {
    expect(() => render('<%= ENV["NOPE"].strip %>')).toThrow("undefined method 'strip' for nil");
  });

  it.each([
    ['<% require "dotenv"; Dotenv.load(".env") %>', '<% require "dotenv"; Dotenv.load(".env") %>'],
    ["<%= `git rev-parse HEAD`.strip %>", "<%= `git rev-parse HEAD`.strip %>"],
    ["<%= %x(aws ecr get-login-password) %>", "<%= %x(aws ecr get-login-password) %>"],
    ['<%= ENV.fetch("X", 365 * 24) %>', '<%= ENV.fetch("X", 365 * 24) %>'],
    ["<% ENV.fetch('H').split(',').each do |h| %>", "<% ENV.fetch('H').split(',').each do |h| %>"],
    ['<%= File.read(".ruby-version").strip %>', '<%= File.read(".ruby-version").strip %>'],
    ["<% if x %>", "<% if x %>"],
    ["<% # comment %>x", "<% # comment %>"],
    ["a <% if ENV['A'] %> b", "an `if` without `end`"],
    ["<%= 1", "an unclosed ERB tag"],
  ])("sends %j to Ruby", (template, construct) => {
    const result = renderBuiltinErb(template, ENV);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.construct).toBe(construct);
  });

  it("needs Ruby only when an unsupported piece is reached", () => {
    const template = '<%= ENV["HOST"] || "#{RUBY_ENGINE}-#{RUBY_ENGINE_VERSION}" %>';
    expect(render(template)).toBe("1.2.3.4");
    const result = renderBuiltinErb(template, {});
    expect(result.ok).toBe(false);
  });

  it("maps output back to template offsets", () => {
    const result = renderBuiltinErb('a: <%= ENV["HOST"] %>\nb: 2', ENV);
    expect(result.ok && result.segments).toEqual([
      { outStart: 0, outEnd: 3, srcStart: 0, literal: true },
      { outStart: 3, outEnd: 10, srcStart: 3, literal: false },
      { outStart: 10, outEnd: 15, srcStart: 21, literal: true },
    ]);
  });
});

describe("scanErb", () => {
  it("splits text and tags as Ruby's ERB compiler does", () => {
    expect(scanErb("a <%= x %> b\n  <%- y -%>\nc <%# z %><%% %%>").parts).toEqual([
      { kind: "text", text: "a ", src: 0 },
      { kind: "insert", code: " x ", src: 2 },
      { kind: "text", text: " b\n", src: 10 },
      { kind: "code", code: " y ", src: 15 },
      { kind: "text", text: "c ", src: 25 },
      { kind: "comment", code: " z ", src: 27 },
      { kind: "text", text: "<%", src: 35 },
      { kind: "text", text: " ", src: 38 },
      { kind: "text", text: "%%>", src: 39 },
    ]);
  });
});

const hasRuby = spawnSync("ruby", ["-v"]).status === 0;

describe.skipIf(!hasRuby)("agrees with Ruby's ERB (needs ruby)", () => {
  it("renders every supported form identically", () => {
    const supported = FORMS.filter(([, out]) => out !== "UNSUPPORTED").map(([template]) => template);
    const script = `
      require "erb"; require "json"
      class NilClass; def blank?; true; end; def present?; false; end; def presence; nil; end; end
      class String; def blank?; strip.empty?; end; def present?; !blank?; end; def presence; blank? ? nil : self; end; end
      out = JSON.parse(STDIN.read).map { |t| ERB.new(t, trim_mode: "-").result }
      STDOUT.write(JSON.generate(out))`;
    const result = spawnSync("ruby", ["-e", script], { input: JSON.stringify(supported), encoding: "utf8", env: ENV });
    expect(result.stderr).toBe("");
    const ruby = JSON.parse(result.stdout) as string[];
    expect(supported.map((template) => render(template))).toEqual(ruby);
  });
});
