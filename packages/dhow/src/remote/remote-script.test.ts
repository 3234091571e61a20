import { describe, expect, it } from "vitest";
import { parseScriptOutput, renderScript, ScriptProgress } from "./remote-script.js";

const steps = [
  { command: "docker pull app:1" },
  { command: { command: "docker login -p s3cret", redacted: "docker login -p [REDACTED]" } },
  { command: "docker ps", allowFailure: true },
];

/** What the host sends back for step outputs [stdout, stderr, exit]. */
function output(nonce: string, parts: [string, string, number | undefined][]): { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  parts.forEach(([out, err, code], i) => {
    stdout += `\n${nonce}:S:${i}\n${out}`;
    stderr += `\n${nonce}:S:${i}\n${err}`;
    if (code !== undefined) {
      stdout += `\n${nonce}:E:${i}:${code}\n`;
      stderr += `\n${nonce}:E:${i}:${code}\n`;
    }
  });
  return { stdout, stderr };
}

describe("renderScript", () => {
  it("runs each step in a subshell with stdin from /dev/null, between markers, stopping on failure", () => {
    const script = renderScript(steps, "abc");
    expect(script.nonce).toBe("dhow-abc");
    expect(script.text).toContain("(\ndocker pull app:1\n) </dev/null\n__dhow_rc=$?\n__dhow_mark E:0:$__dhow_rc\n");
    expect(script.text).toContain('__dhow_mark E:0:$__dhow_rc\n[ "$__dhow_rc" -eq 0 ] || exit "$__dhow_rc"');
    // the step that allows failure has no exit line after it
    expect(script.text).toMatch(/__dhow_mark E:2:\$__dhow_rc\nexit 0\n$/);
    expect(script.redacted).toBe("docker pull app:1\ndocker login -p [REDACTED]\ndocker ps");
    expect(script.redacted).not.toContain("s3cret");
  });

  it("uses a fresh random nonce per script", () => {
    expect(renderScript(steps).nonce).not.toBe(renderScript(steps).nonce);
  });
});

describe("parseScriptOutput", () => {
  const script = renderScript(steps, "n1");
  const base = { script, host: "1.1.1.1", startedAt: 1000, finishedAt: 1500 };

  it("splits stdout and stderr per step, exactly, ignoring anything outside the markers", () => {
    const { stdout, stderr } = output(script.nonce, [
      ["pulled\n", "", 0],
      ["no newline", "warn\n", 0],
      ["", "", 1],
    ]);
    const result = parseScriptOutput({
      ...base,
      stdout: `motd noise\n${stdout}`,
      stderr: `rc noise${stderr}`,
      exitCode: 0,
    });
    expect(result.steps.map((s) => [s.stdout, s.stderr, s.exitCode])).toEqual([
      ["pulled\n", "", 0],
      ["no newline", "warn\n", 0],
      ["", "", 1],
    ]);
    expect(result.steps[1]!.redacted).toBe("docker login -p [REDACTED]");
    expect(result.steps[1]!.command).toBe("docker login -p s3cret");
    expect(result).toMatchObject({ exitCode: 0, failedStep: undefined, durationMs: 500 });
  });

  it("marks the step that stopped the script", () => {
    const { stdout, stderr } = output(script.nonce, [
      ["", "", 0],
      ["", "denied\n", 1],
    ]);
    const result = parseScriptOutput({ ...base, stdout, stderr, exitCode: 1 });
    expect(result).toMatchObject({ exitCode: 1, failedStep: 1 });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[1]!.stderr).toBe("denied\n");
  });

  it("gives a step without an end marker the script's exit code (or 255)", () => {
    const { stdout, stderr } = output(script.nonce, [
      ["", "", 0],
      ["half", "", undefined],
    ]);
    expect(parseScriptOutput({ ...base, stdout, stderr, exitCode: 137 }).steps[1]).toMatchObject({
      exitCode: 137,
      stdout: "half",
    });
    const lost = parseScriptOutput({ ...base, stdout, stderr, exitCode: 0 });
    expect(lost).toMatchObject({ failedStep: 1, exitCode: 255 });
  });

  it("does not take a marker-like line with another nonce for a marker", () => {
    const fake = "\ndhow-other:E:0:0\n";
    const { stdout, stderr } = output(script.nonce, [[`before${fake}after`, "", 0]]);
    expect(parseScriptOutput({ ...base, stdout, stderr, exitCode: 0 }).steps[0]!.stdout).toBe(`before${fake}after`);
  });
});

describe("ScriptProgress", () => {
  it("reports markers once, also when split across chunks, with the time each was seen", () => {
    const events: string[] = [];
    const progress = new ScriptProgress("dhow-n2", (e) => events.push(`${e.state}:${e.index}:${e.exitCode ?? ""}`));
    const { stdout } = output("dhow-n2", [
      ["a", "", 0],
      ["b", "", 3],
    ]);
    let now = 0;
    for (const chunk of stdout.match(/[\s\S]{1,3}/g)!) {
      now += 10;
      progress.push(chunk, now);
    }
    expect(events).toEqual(["started:0:", "finished:0:0", "started:1:", "finished:1:3"]);
    expect(progress.seenAt("E", 1)! - progress.seenAt("S", 1)!).toBeGreaterThan(0);
    expect(progress.seenAt("S", 2)).toBeUndefined();
  });
});
