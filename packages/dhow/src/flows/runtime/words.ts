/**
 * @module
 * Ruby's way with words the CLI echoes: Kamal's `Utils.join_commands` and `Array#to_sentence`.
 */
/** Kamal's `Utils.join_commands`: the words of a command given on the command line, joined by spaces. */
export function joinCommandWords(words: readonly string[]): string {
  return words.map((word) => word.trim()).join(" ");
}

/** Ruby's `Array#to_sentence`: `a`, `a and b`, `a, b, and c`. */
export function toSentence(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, and ${items.at(-1)}`;
}
