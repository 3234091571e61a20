/**
 * @module
 * dhow only: commands that go on running on the host after the script that started them has returned, and a
 * later script that reports them. A deploy's boot script starts the old version's retirement (leaving the
 * stable name, `docker stop`) this way: the new version already serves, so nothing the client does next waits
 * for the old one to stop, and the host's clean-up (tag, prune) runs beside it. The commands run one after
 * another in one background job; each one's output and exit code are kept in a directory of their own
 * (`<i>.o`, `<i>.e`, `<i>.c`, in `/tmp`, or in `.kamal` where `/tmp` will not take it) and reported by
 * `collectDetached`, which waits until that command has ended; the last report removes the directory.
 */
import { type Command, redact } from "./command.js";

/** Checks every 50 ms whether the command ended. */
const POLL_SECONDS = 0.05;

/** Where a set of detached commands (`id`: random hex, one per set) keeps its results: the first that can be made. */
export function detachedDirectories(id: string): readonly [string, string] {
  return [`/tmp/dhow-detached-${id}`, `.kamal/dhow-detached-${id}`];
}

/** Sets `d` to the directory of set `id` that exists; leaves the step (successfully) when neither does. */
function findDirectory(id: string): string {
  const [first, second] = detachedDirectories(id);
  return `d=${first}; [ -d "$d" ] || d=${second}; [ -d "$d" ] || exit 0;`;
}

/**
 * Starts `commands` in the background, one after another (each whatever the one before it gave), and returns
 * at once. Fails (with mkdir's message) only when no directory for the results can be made.
 */
export function detach(id: string, commands: readonly Command[]): Command {
  const [first, second] = detachedDirectories(id);
  return [
    `d=${first}; if mkdir -m 700 "$d" 2>/dev/null || { d=${second}; mkdir -m 700 "$d"; }; then {`,
    ...commands.map((command, index) => [
      "(",
      command,
      `) >"$d/${index}.o" 2>"$d/${index}.e"; echo $? >"$d/${index}.c";`,
    ]),
    '} </dev/null >/dev/null 2>&1 & echo $! >"$d/pid"; else exit 1; fi',
  ];
}

/**
 * Reports command `index` of `detach(id, …)`: waits until it ended (or its background job is gone), prints its
 * output and exits with its code; `last` removes the directory afterwards. Its first line is `wait # <that
 * command>` (a no-op: nothing was started in this shell), so logs and the dry-run plan name what is reported.
 */
export function collectDetached(id: string, index: number, shown: Command, options: { last: boolean }): Command {
  return [
    `wait # ${redact(shown).replaceAll("\n", " ")}\n`,
    findDirectory(id),
    `while [ ! -s "$d/${index}.c" ] && kill -0 "$(cat "$d/pid" 2>/dev/null)" 2>/dev/null; do`,
    `sleep ${POLL_SECONDS} 2>/dev/null || sleep 1; done;`,
    `cat "$d/${index}.o" 2>/dev/null; cat "$d/${index}.e" >&2 2>/dev/null; c=$(cat "$d/${index}.c" 2>/dev/null);`,
    `[ -n "$c" ] || { echo "ended without an exit status (was its background job killed?)" >&2; c=1; };`,
    ...(options.last ? ['rm -rf "$d";'] : []),
    'exit "$c"',
  ];
}
