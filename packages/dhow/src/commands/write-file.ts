/**
 * @module
 * Writing a file on a host as one command of a remote script instead of an SFTP session (a round trip per
 * file): the content travels base64-encoded in the command (no quoting can break it, any bytes survive),
 * the file is created and given its mode before the content goes in (a secret is never readable by others,
 * not even for a moment), and a secret's content is shown as [REDACTED].
 */
import { dirname } from "../ruby.js";
import { type Command, combine, pipe, write } from "./command.js";
import { Sensitive } from "../sensitive.js";

/** The mode of env files, which hold secrets: readable by their owner only. */
export const ENV_FILE_MODE = 0o600;

/** `mkdir -p <dir> && touch <path> && chmod <mode> <path> && printf %s <base64> | base64 -d > <path>` */
export function writeFile(
  path: string,
  content: string | Buffer | Sensitive,
  options: { mode?: number } = {},
): Command {
  const secret = content instanceof Sensitive;
  const bytes = secret ? Buffer.from(content.reveal()) : Buffer.from(content);
  const encoded = `'${bytes.toString("base64")}'`;
  const mode = options.mode === undefined ? [] : [["chmod", options.mode.toString(8), path]];
  return combine([
    ["mkdir", "-p", dirname(path)],
    ["touch", path],
    ...mode,
    write(pipe(["printf", "%s", secret ? new Sensitive(encoded) : encoded], ["base64", "-d"]), [path]),
  ]);
}
