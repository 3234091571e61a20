/**
 * @module
 * The real clock, randomness, terminal and git identity behind `Facts` (builders get these passed in).
 */
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";
import type { Facts } from "../../commands/facts.js";
import type { GitFacts } from "../../remote/git.js";

/** Facts of this process: now, crypto randomness, stdin's tty-ness, and the git identity (performer, lock holder). */
export function realFacts(git: GitFacts): Facts {
  return {
    now: () => new Date(),
    randomHex: (bytes) => randomBytes(bytes).toString("hex"),
    stdinIsTty: () => Boolean(process.stdin.isTTY),
    performer: () => {
      const email = git.email();
      return email ? email : userInfo().username;
    },
    gitUserName: () => git.userName(),
  };
}
