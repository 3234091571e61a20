/**
 * @module
 * commander, loaded with `require`. It is a CommonJS package: importing it as ESM makes Node scan its source
 * for named exports first, about 3 ms of every start-up (`npm run bench:startup`), a tenth of what
 * `dhow version` may add to a bare `node`.
 */
import { createRequire } from "node:module";

const commander = createRequire(import.meta.url)("commander") as typeof import("commander");

export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = import("commander").Command;
export type CommanderError = import("commander").CommanderError;
export type Option = import("commander").Option;
