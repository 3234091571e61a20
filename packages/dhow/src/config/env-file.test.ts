import { describe, expect, it } from "vitest";
import { renderEnvFile } from "./env-file.js";

describe("renderEnvFile (Kamal::EnvFile)", () => {
  it("writes KEY=value lines with Ruby dump escaping, quotes and # unescaped", () => {
    expect(renderEnvFile({ A: "plain", B: 'say "hi"', C: "line1\nline2", D: "#{x}", E: "back\\slash" })).toBe(
      'A=plain\nB=say "hi"\nC=line1\\nline2\nD=#{x}\nE=back\\\\slash\n',
    );
  });

  it("keeps non-ASCII text raw", () => {
    expect(renderEnvFile({ NAME: "Сергей (ok)" })).toBe("NAME=Сергей (ok)\n");
  });

  it("is a lone newline when empty", () => {
    expect(renderEnvFile({})).toBe("\n");
  });
});
