import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ScriptStep } from "./executor.js";
import { parseScriptOutput, type RenderedScript, renderScript, ScriptProgress } from "./remote-script.js";

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

describe("concurrent steps under a real sh", () => {
  /** Runs the script with `sh -s` as a host would, and parses its output as the executor does. */
  function runUnderSh(script: RenderedScript, env: Record<string, string> = {}) {
    const startedAt = Date.now();
    const progress = new ScriptProgress(script.nonce);
    const run = spawnSync("sh", ["-s"], { input: script.text, encoding: "utf8", env: { ...process.env, ...env } });
    progress.push(run.stdout);
    return parseScriptOutput({
      script,
      host: "h",
      stdout: run.stdout,
      stderr: run.stderr,
      exitCode: run.status ?? 255,
      startedAt,
      finishedAt: Date.now(),
      progress,
    });
  }

  /** Step 0 waits (up to 2 s) for a file that step 1 creates: it succeeds only when both run at once. */
  function waitingPair(dir: string): ScriptStep[] {
    const read = { allowFailure: true, readOnly: true, concurrent: true } as const;
    return [
      {
        command: `i=0; while [ ! -e ${dir}/b ]; do sleep 0.05; i=$((i+1)); [ $i -lt 40 ] || exit 9; done; echo a; echo a-err >&2`,
        ...read,
      },
      { command: `touch ${dir}/b; printf 'b\\nb2'; exit 3`, ...read },
    ];
  }

  it("starts neighbouring concurrent steps together and reports each in order, exactly", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
    const temp = mkdtempSync(join(tmpdir(), "dhow-tmp-"));
    const script = renderScript([{ command: "echo first" }, ...waitingPair(dir), { command: "echo last" }]);
    const result = runUnderSh(script, { TMPDIR: temp });
    expect(result.steps.map((s) => [s.stdout, s.stderr, s.exitCode])).toEqual([
      ["first\n", "", 0],
      ["a\n", "a-err\n", 0],
      ["b\nb2", "", 3],
      ["last\n", "", 0],
    ]);
    expect(result.failedStep).toBeUndefined();
    expect(result.exitCode).toBe(0);
    expect(readdirSync(temp)).toEqual([]); // the outputs' directory is gone
  });

  it("runs them one after another when no temporary directory can be made", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
    const result = runUnderSh(renderScript(waitingPair(dir)), { TMPDIR: join(dir, "missing") });
    expect(result.steps.map((s) => [s.stdout.trim(), s.exitCode])).toEqual([
      ["", 9], // waited in vain: step 1 had not started
      ["b\nb2", 3],
    ]);
  });

  it("never groups a step that must stop the script, nor anything after a guard", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
    const [waiting, creating] = waitingPair(dir);
    const stopping = renderScript([{ ...waiting!, allowFailure: false }, creating!]);
    expect(stopping.text).not.toContain("mktemp");
    const guarded = renderScript([{ ...waiting!, guard: true }, creating!]);
    expect(guarded.text).not.toContain("mktemp");
    expect(runUnderSh(stopping).steps.map((s) => s.exitCode)).toEqual([9]);
  });

  it("lets a guard end a group: it runs beside the reads, and a failing one stops the script with success", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
    const [waiting] = waitingPair(dir);
    const guard = { command: `touch ${dir}/b; echo mirror; exit 1`, guard: true, readOnly: true, concurrent: true };
    const result = runUnderSh(renderScript([waiting!, guard, { command: "echo never" }]));
    expect(result.steps.map((s) => [s.stdout, s.exitCode])).toEqual([
      ["a\n", 0], // the guard created the file it waited for: they ran together
      ["mirror\n", 1],
    ]);
    expect(result.failedStep).toBeUndefined();
    expect(result.exitCode).toBe(0);
    const passing = runUnderSh(
      renderScript([waiting!, { ...guard, command: `touch ${dir}/b` }, { command: "echo next" }]),
    );
    expect(passing.steps.map((s) => s.stdout)).toEqual(["a\n", "", "next\n"]);
  });

  describe("background steps", () => {
    const background = { allowFailure: true, readOnly: true, background: true } as const;
    /** A background read that succeeds only if a later step creates `flag` while it waits (up to 2 s). */
    const waitsFor = (flag: string) => ({
      command: `i=0; while [ ! -e ${flag} ]; do sleep 0.05; i=$((i+1)); [ $i -lt 40 ] || exit 9; done; echo bg; echo bg-err >&2`,
      ...background,
    });

    it("go on in the background while the next steps run, are reported in order, and leave the others' output clean", () => {
      const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
      const temp = mkdtempSync(join(tmpdir(), "dhow-tmp-"));
      // The foreground step creates the flag, then keeps printing after the background step ended (its D marker
      // lands in the middle of the foreground step's output).
      const script = renderScript([
        { command: "echo first" },
        waitsFor(`${dir}/flag`),
        { command: "echo quick", ...background },
        { command: `echo before; touch ${dir}/flag; sleep 0.5; echo after; echo err >&2` },
        { command: "echo last" },
      ]);
      const result = runUnderSh(script, { TMPDIR: temp });
      expect(result.steps.map((s) => [s.stdout, s.stderr, s.exitCode])).toEqual([
        ["first\n", "", 0],
        ["bg\n", "bg-err\n", 0],
        ["quick\n", "", 0],
        ["before\nafter\n", "err\n", 0],
        ["last\n", "", 0],
      ]);
      expect(result.exitCode).toBe(0);
      // Each background step's time ends with its own end, not with the script's.
      expect(result.steps[2]!.durationMs).toBeLessThan(400);
      expect(readdirSync(temp)).toEqual([]);
    });

    it("are still reported when a later step stops the script, which exits with that step's code", () => {
      const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
      const result = runUnderSh(
        renderScript([
          waitsFor(`${dir}/flag`),
          { command: `touch ${dir}/flag; sleep 0.3; exit 4` },
          { command: "echo never" },
        ]),
      );
      expect(result.steps.map((s) => [s.stdout, s.exitCode])).toEqual([
        ["bg\n", 0],
        ["", 4],
      ]);
      expect(result.failedStep).toBe(1);
      expect(result.exitCode).toBe(4);
    });

    it("are reported when a later guard ends the script with success", () => {
      const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
      const guard = { command: `touch ${dir}/flag; sleep 0.3; echo mirror; exit 1`, guard: true, readOnly: true };
      const result = runUnderSh(renderScript([waitsFor(`${dir}/flag`), guard, { command: "echo never" }]));
      expect(result.steps.map((s) => [s.stdout, s.exitCode])).toEqual([
        ["bg\n", 0],
        ["mirror\n", 1],
      ]);
      expect(result.failedStep).toBeUndefined();
      expect(result.exitCode).toBe(0);
    });

    it("run in turn when no temporary directory can be made", () => {
      const dir = mkdtempSync(join(tmpdir(), "dhow-script-"));
      const result = runUnderSh(renderScript([waitsFor(`${dir}/flag`), { command: `touch ${dir}/flag; echo fg` }]), {
        TMPDIR: join(dir, "missing"),
      });
      expect(result.steps.map((s) => [s.stdout.trim(), s.exitCode])).toEqual([
        ["", 9], // waited in vain: the next step had not started
        ["fg", 0],
      ]);
    });

    it("leave a script without them as it was", () => {
      const plain = renderScript([{ command: "echo a" }, { command: "echo b", guard: true }], "n");
      expect(plain.text).not.toContain("__dhow_join");
      expect(plain.text).not.toContain("__dhow_done");
    });
  });
});
