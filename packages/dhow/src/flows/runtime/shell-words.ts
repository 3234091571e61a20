/**
 * @module
 * Splits a command line into words the way Ruby's Shellwords.split does (Kamal splits `aliases:` with it).
 * Hand-written: the npm shell parsers (shell-quote) also expand variables and operators, which Shellwords does not.
 */

/** `app exec -i "bin/rails console"` → `["app", "exec", "-i", "bin/rails console"]` */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error(`Unmatched quote: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      let text = "";
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length && '$`"\\\n'.includes(line[j + 1]!)) j++;
        text += line[j];
      }
      if (j >= line.length) throw new Error(`Unmatched quote: ${line}`);
      word = (word ?? "") + text;
      i = j;
    } else if (char === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else {
      word = (word ?? "") + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
