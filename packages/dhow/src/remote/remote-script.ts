/**
 * @module
 * Several commands as ONE remote `sh` script, so a host's whole phase costs one SSH round trip. Each step
 * runs in a subshell with stdin from /dev/null, between marker lines written to stdout and stderr:
 *
 *   \n<nonce>:S:<i>\n   <step i's output>   \n<nonce>:E:<i>:<exit code>\n
 *
 * The nonce is random per script, so no step's output can forge a marker, and anything the login shell
 * prints outside the markers (motd, rc files) is ignored. The script stops at the first failing step
 * (exiting with its code) unless that step allows failure; a failing guard step stops it with success.
 * Neighbouring steps marked `concurrent` (independent reads) start together and are reported in order once all
 * finished, so a host's reads cost the longest of them, not their sum. A step marked `background` (a read) starts
 * where it stands and the steps after it go on at once (the reads beside the pull): it is reported, between its
 * usual markers, when the script ends or stops; a `D:<i>` marker, printed when it finished, gives its time and is
 * taken out of whatever output it landed in.
 */
import { randomBytes } from "node:crypto";
import { type CommandResult, commandParts, type ScriptResult, type ScriptStep } from "./executor.js";

/** A rendered script and what is needed to read its output back. */
export interface RenderedScript {
  /** The `sh` program text (fed to `sh -s` on the host). */
  readonly text: string;
  /** What is shown for the whole script: the steps' redacted commands, one per line. */
  readonly redacted: string;
  readonly nonce: string;
  readonly steps: readonly ScriptStep[];
}

/** The command a script is run with; its text goes to stdin (no argument-length limit, no secrets in `ps`). */
export const SCRIPT_SHELL = "sh -s";

/** Renders steps into one POSIX sh script. */
export function renderScript(
  steps: readonly ScriptStep[],
  nonce: string = randomBytes(8).toString("hex"),
): RenderedScript {
  const marker = `dhow-${nonce}`;
  const lines = [
    `__dhow_m=${marker}`,
    `__dhow_mark() { printf '\\n%s:%s\\n' "$__dhow_m" "$1"; printf '\\n%s:%s\\n' "$__dhow_m" "$1" >&2; }`,
  ];
  const background = steps.flatMap((step, index) => (step.background ? [{ step, index }] : []));
  // Every way out of a script that started background steps first waits for them and reports them.
  const join = background.length > 0 ? "__dhow_join; " : "";
  if (join) lines.push(...joinFunction(background));
  for (const group of runsOf(steps)) {
    const [first] = group;
    if (group.length > 1) lines.push(...concurrently(group, join));
    else if (first?.step.background) lines.push(...inBackground(first));
    else if (first) lines.push(...inTurn(first, join));
  }
  lines.push(`${join}exit 0`, "");
  return {
    text: lines.join("\n"),
    redacted: steps.map((step) => commandParts(step.command).redacted).join("\n"),
    nonce: marker,
    steps,
  };
}

interface IndexedStep {
  readonly step: ScriptStep;
  readonly index: number;
}

/** The steps in order, neighbours that may run at the same time grouped together. */
function runsOf(steps: readonly ScriptStep[]): IndexedStep[][] {
  const runs: IndexedStep[][] = [];
  steps.forEach((step, index) => {
    const last = runs.at(-1) ?? [];
    // a guard ends its group: what follows it must not start before its answer
    const open = last.length > 0 && last.every((other) => mayOverlap(other.step)) && !last.at(-1)?.step.guard;
    if (open && mayOverlap(step)) last.push({ step, index });
    else runs.push([{ step, index }]);
  });
  return runs;
}

/** A failing step that stops the script must finish before the next one starts (a guard may end a group). */
function mayOverlap(step: ScriptStep): boolean {
  return Boolean(step.concurrent && !step.background && (step.allowFailure || step.guard));
}

/** One step, started once the one before it finished; `join` goes before the script stops after it. */
function inTurn({ step, index }: IndexedStep, join = ""): string[] {
  const lines = [
    `__dhow_mark S:${index}`,
    "(",
    commandParts(step.command).command,
    ") </dev/null",
    `__dhow_rc=$?`,
    `__dhow_mark E:${index}:$__dhow_rc`,
  ];
  const stop = (code: string) => (join ? `{ ${join}exit ${code}; }` : `exit ${code}`);
  if (step.guard) lines.push(`[ "$__dhow_rc" -eq 0 ] || ${stop("0")}`);
  else if (!step.allowFailure) lines.push(`[ "$__dhow_rc" -eq 0 ] || ${stop('"$__dhow_rc"')}`);
  return lines;
}

/**
 * `__dhow_join`: waits for the background steps started so far and reports each one that ran, in order, between
 * its usual markers (`__dhow_b` is their temporary directory; unset before the first one or without one).
 */
function joinFunction(background: readonly IndexedStep[]): string[] {
  const file = (index: number, kind: string) => `"$__dhow_b/${index}.${kind}"`;
  return [
    "__dhow_b=",
    `__dhow_done() { printf '\\n%s:D:%s\\n' "$__dhow_m" "$1"; }`,
    "__dhow_join() {",
    '[ -n "$__dhow_b" ] || return 0',
    "wait",
    ...background.map(
      ({ index }) =>
        `if [ -f ${file(index, "c")} ]; then __dhow_mark S:${index}; cat ${file(index, "o")}; cat ${file(index, "e")} >&2; __dhow_mark E:${index}:"$(cat ${file(index, "c")})"; fi`,
    ),
    'rm -rf "$__dhow_b"; __dhow_b=',
    "}",
  ];
}

/**
 * A background step: started in the background (its output and exit code kept in the temporary directory, a
 * `D:<i>` marker printed when it ends) and left running while the script goes on. Without a temporary directory
 * it runs in turn.
 */
function inBackground(indexed: IndexedStep): string[] {
  const { step, index } = indexed;
  const file = (kind: string) => `"$__dhow_b/${index}.${kind}"`;
  return [
    '[ -n "$__dhow_b" ] || __dhow_b=$(mktemp -d 2>/dev/null) || __dhow_b=',
    'if [ -n "$__dhow_b" ]; then',
    `__dhow_mark B:${index}`,
    "{ (",
    commandParts(step.command).command,
    `) </dev/null >${file("o")} 2>${file("e")}; echo $? >${file("c")}; __dhow_done ${index}; } &`,
    "else",
    ...inTurn(indexed),
    "fi",
  ];
}

/**
 * Steps started together (each in the background, its output and exit code kept in a file of a fresh temporary
 * directory), then reported in order between the usual markers once all finished, so the output reads as if
 * they had run one after another. A `B:<i>` marker tells when they began. A guard may end the group: the script
 * stops after it as usual. Without a temporary directory they run one after another.
 */
function concurrently(group: readonly IndexedStep[], join = ""): string[] {
  const file = (index: number, kind: string) => `"$__dhow_t/${index}.${kind}"`;
  return [
    "if __dhow_t=$(mktemp -d 2>/dev/null); then",
    ...group.map(({ index }) => `__dhow_mark B:${index}`),
    ...group.flatMap(({ step, index }) => [
      "{ (",
      commandParts(step.command).command,
      `) </dev/null >${file(index, "o")} 2>${file(index, "e")}; echo $? >${file(index, "c")}; } &`,
    ]),
    "wait",
    ...group.flatMap(({ step, index }) => [
      `__dhow_mark S:${index}`,
      `cat ${file(index, "o")}; cat ${file(index, "e")} >&2`,
      `__dhow_rc=$(cat ${file(index, "c")})`,
      `__dhow_mark E:${index}:$__dhow_rc`,
      ...(step.guard ? [`[ "$__dhow_rc" -eq 0 ] || { rm -rf "$__dhow_t"; ${join}exit 0; }`] : []),
    ]),
    `rm -rf "$__dhow_t"`,
    "else",
    ...group.flatMap((indexed) => inTurn(indexed, join)),
    "fi",
  ];
}

/** A step boundary seen in the output stream. */
export interface MarkerEvent {
  readonly index: number;
  readonly state: "started" | "finished";
  readonly exitCode?: number;
}

/**
 * Reads a script's stdout as it arrives: reports step boundaries (for live progress) and the time each was
 * seen (for per-step durations).
 */
export class ScriptProgress {
  #text = "";
  #scanFrom = 0;
  readonly #pattern: RegExp;
  readonly #seen = new Map<string, number>();
  readonly #onMarker: (event: MarkerEvent) => void;

  constructor(nonce: string, onMarker: (event: MarkerEvent) => void = () => {}) {
    this.#pattern = new RegExp(`\\n${nonce}:(S|E|B|D):(\\d+)(?::(-?\\d+))?\\n`, "g");
    this.#onMarker = onMarker;
  }

  /** Feeds a chunk of stdout received at time `now` (ms). */
  push(chunk: string, now: number = Date.now()): void {
    this.#text += chunk;
    this.#pattern.lastIndex = this.#scanFrom;
    for (let match = this.#pattern.exec(this.#text); match; match = this.#pattern.exec(this.#text)) {
      const key = `${match[1]}:${match[2]}`;
      this.#scanFrom = match.index + match[0].length - 1; // the trailing \n may start the next marker
      if (this.#seen.has(key)) continue;
      this.#seen.set(key, now);
      const index = Number(match[2]);
      if (match[1] === "B" || match[1] === "D") continue; // a concurrent or background step began or ended: only its time is kept
      this.#onMarker(
        match[1] === "S" ? { index, state: "started" } : { index, state: "finished", exitCode: Number(match[3]) },
      );
    }
    // keep scanning from where an incomplete marker could begin
    this.#scanFrom = Math.max(this.#scanFrom, this.#text.lastIndexOf("\n"));
  }

  /** When a marker was seen (ms), if it was (`B`: a concurrent or background step began; `D`: a background one ended). */
  seenAt(state: "S" | "E" | "B" | "D", index: number): number | undefined {
    return this.#seen.get(`${state}:${index}`);
  }
}

/**
 * Splits a finished script's output into per-step results. Steps that never started are left out; a step
 * that started but has no end marker (the connection or the shell died) gets the script's exit code, or 255.
 */
export function parseScriptOutput({
  script,
  host,
  stdout,
  stderr,
  exitCode,
  startedAt,
  finishedAt,
  progress,
}: {
  script: RenderedScript;
  host: string;
  stdout: string;
  stderr: string;
  exitCode: number;
  startedAt: number;
  finishedAt: number;
  progress?: ScriptProgress;
}): ScriptResult {
  const results: CommandResult[] = [];
  let failedStep: number | undefined;
  for (const [index, step] of script.steps.entries()) {
    const out = section(stdout, script.nonce, index);
    if (!out) break;
    const err = section(stderr, script.nonce, index);
    const stepExit = out.exitCode ?? (exitCode === 0 ? 255 : exitCode);
    const { command, redacted } = commandParts(step.command);
    const begun = progress?.seenAt("B", index) ?? progress?.seenAt("S", index) ?? startedAt;
    const ended = progress?.seenAt("D", index) ?? progress?.seenAt("E", index) ?? finishedAt;
    results.push({
      host,
      command,
      redacted,
      exitCode: stepExit,
      stdout: out.text,
      stderr: err?.text ?? "",
      durationMs: Math.max(0, ended - begun),
    });
    if (step.guard && stepExit !== 0 && out.exitCode !== undefined) break;
    if (stepExit !== 0 && (!step.allowFailure || out.exitCode === undefined)) {
      failedStep = index;
      break;
    }
  }
  const scriptExit = failedStep === undefined ? exitCode : (results[failedStep]?.exitCode ?? exitCode);
  return { host, steps: results, exitCode: scriptExit, failedStep, durationMs: Math.max(0, finishedAt - startedAt) };
}

/** The text between step `index`'s start and end markers, and its exit code (undefined without an end marker). */
function section(
  text: string,
  nonce: string,
  index: number,
): { text: string; exitCode: number | undefined } | undefined {
  const start = `\n${nonce}:S:${index}\n`;
  const from = text.indexOf(start);
  if (from < 0) return undefined;
  const bodyStart = from + start.length;
  const endPrefix = `\n${nonce}:E:${index}:`;
  const to = text.indexOf(endPrefix, bodyStart);
  // A background step's end marker may have landed in the middle of this step's output: take it out.
  const body = (end?: number) => text.slice(bodyStart, end).replace(doneMarkers(nonce), "");
  if (to < 0) return { text: body(), exitCode: undefined };
  const codeEnd = text.indexOf("\n", to + endPrefix.length);
  const code = Number(text.slice(to + endPrefix.length, codeEnd < 0 ? undefined : codeEnd));
  return { text: body(to), exitCode: Number.isInteger(code) ? code : undefined };
}

/** The `D:<i>` markers of background steps (each printed as one write: `\n<nonce>:D:<i>\n`). */
function doneMarkers(nonce: string): RegExp {
  return new RegExp(`\\n${nonce}:D:\\d+\\n`, "g");
}
