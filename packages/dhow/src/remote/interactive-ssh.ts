/**
 * @module
 * Hands the terminal over to the system `ssh -t` for interactive commands (`app exec -i`, `logs -f`,
 * `server exec -i`), as Kamal does with Ruby's `exec`: the builders give the whole command line
 * (`ssh[ -F …][ -J …][ -i key…] -t user@host -p port '<cmd>'`, §2.12 "Interactive form"), which runs through
 * `/bin/sh -c` so ssh gets exactly the argv Kamal's `exec` would give it. stdin, stdout and stderr are
 * inherited; the promise resolves with ssh's exit code.
 */
import { spawn } from "node:child_process";

/** Runs an interactive command line and resolves with its exit code. */
export type InteractiveRunner = (commandLine: string) => Promise<number>;

export interface InteractiveOptions {
  /** The child's environment (PATH decides which `ssh` runs). Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** The shell that parses the command line (Ruby's `exec` with one string uses `/bin/sh -c` too). */
export const INTERACTIVE_SHELL = "/bin/sh";

/** Signals passed on to the interactive child. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGQUIT", "SIGTERM", "SIGHUP"];

/** Exit code when the shell itself cannot be started (as a shell reports a missing command). */
const EXIT_NOT_STARTED = 127;

/**
 * Runs `commandLine` with the terminal attached. Signals sent to dhow while it runs (SIGINT, SIGTERM, …) are
 * passed on to the child instead of ending dhow underneath it, as if ssh had replaced the process (Ruby's
 * `exec`); the promise resolves when the child exits.
 */
export function runInteractive(commandLine: string, options: InteractiveOptions = {}): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(INTERACTIVE_SHELL, ["-c", commandLine], {
      stdio: "inherit",
      env: options.env ?? process.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    let settled = false;
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      for (const signal of FORWARDED_SIGNALS) process.removeListener(signal, forward);
      resolve(code);
    };
    child.on("error", () => finish(EXIT_NOT_STARTED));
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 + signalNumber(signal) : EXIT_NOT_STARTED)));
  });
}

/** A runner bound to an environment and working directory. */
export function interactiveRunner(options: InteractiveOptions = {}): InteractiveRunner {
  return (commandLine) => runInteractive(commandLine, options);
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGTERM: 15,
  };
  return numbers[signal] ?? 0;
}
