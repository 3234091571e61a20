// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} text in secrets files
import { describe, expect, it } from "vitest";
import { matchParentheses, substituteValue, substituteVariables } from "./substitute-value.js";

const vars: Record<string, string> = { A: "alpha", B_2: "beta" };
const lookup = (name: string) => vars[name];

describe("substituteVariables", () => {
  it.each([
    ["$A", "alpha"],
    ["${A}", "alpha"],
    ["x${B_2}y", "xbetay"],
    ["$a", ""],
    ["$A-$NOPE-", "alpha--"],
    ["\\$A", "$A"],
    ["\\${A}", "${A}"],
    ["$", "$"],
    ["$ x", "$ x"],
    ["${", "${"],
    ["$(A)", "$(A)"],
    ["${A", "alpha"],
    ["$A}", "alpha"],
  ])("%s → %s", (text, expected) => {
    expect(substituteVariables(text, lookup)).toBe(expected);
  });
});

describe("matchParentheses", () => {
  it.each([
    ["(a)", 3],
    ["(a)b", 3],
    ["(a(b)c)", 7],
    ["(a\\)b)", 6],
    ["(a\\\\)", 5],
    ["()", -1],
    ["(a", -1],
    ["(a(b)", -1],
    ["(a(b)", -1],
    ["(a\\\n)", -1],
  ])("%j → %d", (text, end) => {
    expect(matchParentheses(text, 0)).toBe(end);
  });
});

describe("substituteValue", () => {
  const run = (text: string) => {
    const ran: [string, string][] = [];
    const value = substituteValue(text, {
      lookup,
      runCommand: (command, written) => {
        ran.push([command, written]);
        return `[${command}]`;
      },
    });
    return { value, ran };
  };

  it("runs commands with their variables expanded and keeps the written form", () => {
    expect(run("x $(echo $A) y $B_2")).toEqual({ value: "x [echo alpha] y beta", ran: [["echo alpha", "echo $A"]] });
  });

  it("runs sibling commands in order and the outer one only for nested ones", () => {
    expect(run("$(a)$(b $(c))").ran.map(([command]) => command)).toEqual(["a", "b $(c)"]);
  });

  it("keeps an escaped command (with its variables expanded) and runs nothing", () => {
    expect(run("\\$(echo $A)")).toEqual({ value: "$(echo alpha)", ran: [] });
  });

  it("does not expand $ in command output", () => {
    const value = substituteValue("$(x)$A", { lookup, runCommand: () => "$A${B_2}" });
    expect(value).toBe("$A${B_2}alpha");
  });
});
