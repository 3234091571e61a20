/**
 * @module
 * `defineCommand`: one command's spec (name, arguments, options, help) and its handler in one object, with
 * the handler's `args` and `options` typed from the spec (citty's `defineCommand`, on commander). An option
 * is named by its long flag (`-P, --skip-push` → `options.skipPush`, `--no-cache` → `options.cache`), as
 * commander names it, so a misspelt option name in a handler does not compile. `program.ts` turns the
 * definitions into commander commands. No value import of commander here: `dhow version` does not load it.
 */
import type { Confirm } from "../flows/runtime/confirm.js";
import type { DeployContext } from "../flows/runtime/context.js";
import type { GlobalOptions } from "./global-options.js";
import type { CliIo } from "./io.js";

/** One option, written as Kamal names it (dashes; Thor also accepts underscores). */
export interface OptionSpec {
  /** e.g. `-P, --skip-push` or `--since <since>` or `--publish-host-ip <ip...>` */
  readonly flags: string;
  readonly description: string;
  readonly default?: string | boolean | number;
  readonly required?: boolean;
  /** `numeric` options parse as numbers; `hash` ones collect `key:value` pairs. */
  readonly type?: "numeric" | "hash" | "array";
  readonly hidden?: boolean;
}

/** commander's attribute name of an option: `-P, --skip-push` → `skipPush`, `--no-cache` → `cache`. */
export type OptionName<Flags extends string> =
  LongFlag<Flags> extends `no-${infer Negated}` ? CamelCase<Negated> : CamelCase<LongFlag<Flags>>;

/** The parsed value of one option, as commander delivers it for this spec. */
export type OptionValue<O extends OptionSpec> = O extends { readonly type: "numeric" }
  ? number
  : O extends { readonly type: "hash" }
    ? Readonly<Record<string, string>>
    : O["flags"] extends `${string}...>`
      ? string[]
      : O["flags"] extends `${string}<${string}>`
        ? string
        : boolean;

/** The parsed options of a command: present when the option has a default, is required or is `--no-…`. */
export type OptionValues<Options extends readonly OptionSpec[]> = Flatten<
  {
    readonly [O in Options[number] as AlwaysSet<O> extends true ? OptionName<O["flags"]> : never]: OptionValue<O>;
  } & {
    readonly [O in Options[number] as AlwaysSet<O> extends true ? never : OptionName<O["flags"]>]?: OptionValue<O>;
  }
>;

/** The positional arguments as commander delivers them: `<a>` string, `[a]` optional, `<a...>` words. */
export type ArgValues<Args extends readonly string[]> = {
  readonly [I in keyof Args]: Args[I] extends `${string}...${"]" | ">"}`
    ? string[]
    : Args[I] extends `[${string}]`
      ? string | undefined
      : string;
};

/** What a command's handler receives. */
export interface CommandInput<Args extends readonly string[], Options extends readonly OptionSpec[]> {
  /** e.g. `app exec` */
  readonly path: string;
  readonly args: ArgValues<Args>;
  readonly options: OptionValues<Options>;
  readonly globals: GlobalOptions;
  readonly io: CliIo;
  /** Runs `flow` in a DeployContext built from the global options; its connections close afterwards. */
  readonly withContext: <T>(flow: (ctx: DeployContext) => Promise<T>) => Promise<T>;
  /** Asks the yes/no question of a confirmed command (Thor's prompt on stdin). */
  readonly confirm: Confirm;
}

/** The services a handler reaches through its input (the composition root; tests pass their own). */
export interface CommandRuntime {
  readonly withContext: <T>(run: CommandRun, flow: (ctx: DeployContext) => Promise<T>) => Promise<T>;
  readonly confirm: (run: CommandRun) => Confirm;
}

/** The command being run, as the runtime sees it. */
export interface CommandRun {
  /** e.g. `app exec` */
  readonly path: string;
  readonly globals: GlobalOptions;
  readonly io: CliIo;
}

/** A command that runs a handler. */
export interface LeafSpec<Args extends readonly string[], Options extends readonly OptionSpec[]> {
  readonly name: string;
  readonly description: string;
  /** commander argument syntax: `<version>`, `[section]`, `<cmd...>` */
  readonly args?: Args;
  readonly options?: Options;
  readonly aliases?: readonly string[];
  readonly hidden?: boolean;
  readonly run: (input: CommandInput<Args, Options>) => unknown;
}

/** A command of the tree, its handler's types erased (what program.ts and the tests walk). */
export interface CommandDef {
  readonly name: string;
  readonly description: string;
  readonly args?: readonly string[];
  readonly options?: readonly OptionSpec[];
  readonly aliases?: readonly string[];
  readonly hidden?: boolean;
  /** A group's commands (`app boot`, `app exec`…); a group has no handler. */
  readonly subcommands?: readonly CommandDef[];
  readonly run?: (input: UntypedInput) => unknown;
}

/** A leaf command; `args` and `options` of `run` are typed from the spec. */
export function defineCommand<
  const Args extends readonly string[] = [],
  const Options extends readonly OptionSpec[] = [],
>(spec: LeafSpec<Args, Options>): CommandDef {
  // The one place where commander's untyped values meet the spec's types: program.ts `toOption` parses each
  // option as its spec says (numbers, key:value pairs, variadic arrays), which is what OptionValue describes.
  return spec as unknown as CommandDef;
}

/** A handler's input before the spec's types are applied (see `defineCommand`). */
export type UntypedInput = Omit<CommandInput<[], []>, "args" | "options"> & {
  readonly args: readonly unknown[];
  readonly options: Readonly<Record<string, unknown>>;
};

type LongFlag<Flags extends string> = Flags extends `${string}--${infer Rest}`
  ? Rest extends `${infer Name} ${string}`
    ? Name
    : Rest
  : never;

type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name;

type AlwaysSet<O extends OptionSpec> = O extends { readonly default: string | boolean | number }
  ? true
  : O extends { readonly required: true }
    ? true
    : LongFlag<O["flags"]> extends `no-${string}`
      ? true
      : false;

type Flatten<T> = { [K in keyof T]: T[K] };

// Compile-time checks of the inference on the spellings the tree uses: a wrong rule fails `npm run build`.
// (define-command.test.ts checks that commander names every option of the tree by the same rule.)
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
export type InferenceChecks = [
  Holds<Same<OptionName<"-P, --skip-push">, "skipPush">>,
  Holds<Same<OptionName<"--no-cache">, "cache">>,
  Holds<Same<OptionName<"--publish-host-ip <ip...>">, "publishHostIp">>,
  Holds<Same<OptionName<"-e, --env <key:value>">, "env">>,
  Holds<
    Same<OptionValues<[{ flags: "-P, --skip-push"; description: ""; default: false }]>, { readonly skipPush: boolean }>
  >,
  Holds<Same<OptionValues<[{ flags: "--no-cache"; description: "" }]>, { readonly cache: boolean }>>,
  Holds<
    Same<
      OptionValues<[{ flags: "-n, --lines <lines>"; description: ""; type: "numeric" }]>,
      { readonly lines?: number }
    >
  >,
  Holds<Same<OptionValues<[{ flags: "--ip <ip...>"; description: "" }]>, { readonly ip?: string[] }>>,
  Holds<
    Same<OptionValues<[{ flags: "-a, --adapter <a>"; description: ""; required: true }]>, { readonly adapter: string }>
  >,
  Holds<Same<ArgValues<["<name>", "[section]", "<cmd...>"]>, readonly [string, string | undefined, string[]]>>,
];
