/**
 * @module
 * `dhow lock …` (Kamal's `cli/lock.rb`): status, acquire, release.
 */
import { lockAcquire } from "../../flows/lock/acquire.js";
import { lockRelease } from "../../flows/lock/release.js";
import { lockStatus } from "../../flows/lock/status.js";
import { defineCommand, defineGroup } from "../define-command.js";

export const lock = defineGroup({
  name: "lock",
  description: "Manage the deploy lock",
  subcommands: [
    defineCommand({
      name: "status",
      description: "Report lock status",
      run: ({ withContext }) => withContext(lockStatus),
    }),
    defineCommand({
      name: "acquire",
      description: "Acquire the deploy lock",
      options: [{ flags: "-m, --message <message>", description: "A lock message", required: true }],
      run: ({ options, withContext }) => withContext((ctx) => lockAcquire(ctx, options.message)),
    }),
    defineCommand({
      name: "release",
      description: "Release the deploy lock",
      run: ({ withContext }) => withContext(lockRelease),
    }),
  ],
});
