/**
 * @module
 * `dhow lock …` (Kamal's `cli/lock.rb`): status, acquire, release.
 */
import { type CommandDef, defineCommand } from "../define-command.js";

/** The commands of `dhow lock`, in Kamal's `--help` order. */
export const LOCK_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "status",
    description: "Report lock status",
    run: async ({ withContext }) => {
      const { lockStatus } = await import("../../flows/lock/status.js");
      await withContext(lockStatus);
    },
  }),
  defineCommand({
    name: "acquire",
    description: "Acquire the deploy lock",
    options: [{ flags: "-m, --message <message>", description: "A lock message", required: true }],
    run: async ({ options, withContext }) => {
      const { lockAcquire } = await import("../../flows/lock/acquire.js");
      await withContext((ctx) => lockAcquire(ctx, options.message));
    },
  }),
  defineCommand({
    name: "release",
    description: "Release the deploy lock",
    run: async ({ withContext }) => {
      const { lockRelease } = await import("../../flows/lock/release.js");
      await withContext(lockRelease);
    },
  }),
];
