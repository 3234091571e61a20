/**
 * @module
 * The confirmation question of `remove`, `accessory remove`, `proxy reboot`… as Thor's
 * `ask(question, limited_to: %w[y N], default: "N")` asks it: `<question> [y, N] (N) `, only `y` confirms,
 * an empty answer is `N`, anything else is asked again. End of input counts as `N`.
 */
import { createInterface } from "node:readline";

/** Where the question is asked. */
export interface PromptIo {
  readonly input: NodeJS.ReadableStream;
  readonly write: (text: string) => void;
}

/** The answers Thor accepts, and the default. */
const ANSWERS = ["y", "N"] as const;
const DEFAULT_ANSWER = "N";

/** Asks until the answer is `y` or `N` (empty = `N`); resolves true for `y`. */
export async function askYesNo(question: string, io: PromptIo): Promise<boolean> {
  const reader = createInterface({ input: io.input, terminal: false });
  const lines = reader[Symbol.asyncIterator]();
  try {
    for (;;) {
      io.write(`${question} [${ANSWERS.join(", ")}] (${DEFAULT_ANSWER}) `);
      const next = await lines.next();
      if (next.done) {
        io.write("\n");
        return false;
      }
      const answer = next.value.trim() || DEFAULT_ANSWER;
      if (answer === "y") return true;
      if (answer === "N") return false;
      io.write(`Your response must be one of: [${ANSWERS.join(", ")}]. Please try again.\n`);
    }
  } finally {
    reader.close();
  }
}
