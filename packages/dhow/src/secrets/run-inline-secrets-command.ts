/**
 * @module
 * `$(kamal secrets fetch …)` and `$(kamal secrets extract …)` inside a secrets file run in-process, as Kamal does
 * (`Kamal::Cli::Main.start(command.shellsplit[1..] + ["--inline"])`), so no shell or Ruby is needed and the
 * vault output never passes through a subprocess. `dhow secrets …` is accepted the same way.
 * The options are parsed the way Thor parses them for these two commands.
 */
import { SecretsError } from "../errors.js";
import { secretsExtract } from "./secrets-extract.js";
import { secretsFetch } from "./secrets-fetch.js";
import type { SecretsRunner } from "./secrets-runner.js";
import { shellSplit } from "./shell-split.js";

/** A `$(…)` command that must run in-process: starts with `kamal secrets` or `dhow secrets`. */
export const INLINE_SECRETS_COMMAND = /^[ \t\n\v\f\r]*(?:kamal|dhow)[ \t\n\v\f\r]*secrets[ \t\n\v\f\r]+/;

/** Where an inline command runs. */
export interface InlineContext {
  readonly runner: SecretsRunner;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs `kamal secrets fetch|extract …` (the whole command text) with `--inline` and returns its output. */
export function runInlineSecretsCommand(commandLine: string, context: InlineContext): string {
  const [, group, subcommand, ...args] = shellSplit(commandLine);
  if (group !== "secrets" || (subcommand !== "fetch" && subcommand !== "extract")) {
    throw new SecretsError(
      `Only \`secrets fetch\` and \`secrets extract\` can run inside a secrets file, not \`secrets ${subcommand ?? ""}\``,
    );
  }
  const { options, positional } = parseThorArgs(args, subcommand === "fetch" ? FETCH_OPTIONS : EXTRACT_OPTIONS);
  if (subcommand === "extract") {
    if (positional.length !== 2) {
      throw new SecretsError(`\`secrets extract\` takes NAME and SECRETS, got ${positional.length} arguments`);
    }
    return secretsExtract({ name: positional[0]!, json: positional[1]!, inline: true });
  }
  const adapter = options.get("adapter");
  if (adapter === undefined || adapter === "") {
    throw new SecretsError("No value provided for required options '--adapter'");
  }
  return secretsFetch({
    adapter,
    account: options.get("account"),
    from: options.get("from"),
    secrets: positional,
    inline: true,
    runner: context.runner,
    env: context.env,
    ...(context.cwd === undefined ? {} : { cwd: context.cwd }),
  });
}

interface OptionSpec {
  /** Long name (underscored) → takes a value? */
  readonly long: Readonly<Record<string, boolean>>;
  readonly short: Readonly<Record<string, string>>;
}

// Kamal's class options (accepted and ignored here) plus each command's own.
const GLOBAL_LONG: Record<string, boolean> = {
  verbose: false,
  quiet: false,
  primary: false,
  skip_hooks: false,
  lock_wait: false,
  inline: false,
  version: true,
  hosts: true,
  roles: true,
  config_file: true,
  destination: true,
  lock_wait_timeout: true,
  lock_wait_interval: true,
};
const GLOBAL_SHORT: Record<string, string> = {
  v: "verbose",
  q: "quiet",
  p: "primary",
  H: "skip_hooks",
  h: "hosts",
  r: "roles",
  c: "config_file",
  d: "destination",
};
const FETCH_OPTIONS: OptionSpec = {
  long: { ...GLOBAL_LONG, adapter: true, account: true, from: true },
  short: { ...GLOBAL_SHORT, a: "adapter" },
};
const EXTRACT_OPTIONS: OptionSpec = { long: GLOBAL_LONG, short: GLOBAL_SHORT };

/** Thor-style parsing: `--name value`, `--name=value`, `-a value`, `-avalue`, `--no-flag`, `--` ends options. */
function parseThorArgs(args: readonly string[], spec: OptionSpec) {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inlineValue: string | undefined;
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).replaceAll("-", "_");
      if (eq >= 0) inlineValue = arg.slice(eq + 1);
      if (!(name in spec.long) && /^(no|skip)_/.test(name) && spec.long[name.replace(/^(no|skip)_/, "")] === false) {
        options.delete(name.replace(/^(no|skip)_/, ""));
        continue;
      }
    } else if (arg.startsWith("-") && arg.length > 1 && !/^-\d/.test(arg)) {
      name = spec.short[arg[1]!];
      if (name === undefined) throw new SecretsError(`Unknown option ${arg.slice(0, 2)} for secrets`);
      if (arg.length > 2) inlineValue = arg[2] === "=" ? arg.slice(3) : arg.slice(2);
    } else {
      positional.push(arg);
      continue;
    }
    const takesValue = spec.long[name];
    if (takesValue === undefined) throw new SecretsError(`Unknown option --${name.replaceAll("_", "-")} for secrets`);
    if (!takesValue) {
      options.set(name, "true");
      continue;
    }
    if (inlineValue === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith("-")) {
        throw new SecretsError(`No value provided for option '--${name}'`);
      }
      inlineValue = next;
      i++;
    }
    options.set(name, inlineValue);
  }
  return { options, positional };
}
