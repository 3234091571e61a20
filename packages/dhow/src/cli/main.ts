/**
 * @module
 * The CLI entry: parses argv, expands config aliases, runs one handler, and turns every failure into
 * Kamal's `  ERROR (<Class>): <message>` line and an exit code. The only place that decides exit codes.
 */
import type { CommandRuntime } from "./define-command.js";
import { type CliIo, processIo } from "./io.js";
import { versionLine } from "./version-line.js";

/** Runs the CLI and resolves with the exit code (the bin sets process.exitCode to it). */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  runtime: () => Promise<CommandRuntime> = cliRuntime,
): Promise<number> {
  const color = io.isTTY && !io.env["NO_COLOR"];
  try {
    // Nothing to parse: answered without loading commander and the command tree (a fifth of a bare node's
    // start-up on their own, `npm run bench:startup`).
    if (argv.length === 3 && argv[2] === "version") {
      io.stdout(versionLine());
      return 0;
    }
    const { expandAlias, namedGroup, normalizeArgs } = await import("./argv.js");
    let args = await normalizeArgs(argv.slice(2));
    const aliased = await expandAlias(args, io);
    if (aliased) args = aliased;
    const { loadCommandTree } = await import("./command-tree.js");
    const [{ createProgram }, tree] = await Promise.all([import("./program.js"), loadCommandTree(namedGroup(args))]);
    const program = createProgram(tree, io, runtime);
    if (args.length === 0) {
      io.stdout(program.helpInformation());
      return 0;
    }
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    return await reportError(error, io, color);
  }
}

/** The real runtime (SSH, signals, stdin), loaded when a command first needs it. */
async function cliRuntime(): Promise<CommandRuntime> {
  return (await import("./context.js")).CLI_RUNTIME;
}

async function reportError(error: unknown, io: CliIo, color: boolean): Promise<number> {
  const { EXIT_CODES, exitCodeOf } = await import("../errors.js");
  const { CommanderError } = await import("./commander.js");
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help) through configureOutput.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.help" || error.exitCode === 0) return 0;
    return EXIT_CODES.usage;
  }
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  const line = `  ERROR (${name}): ${message}`;
  io.stderr(`${color ? (await import("picocolors")).default.red(line) : line}\n`);
  if (io.env["VERBOSE"] && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return exitCodeOf(error);
}
