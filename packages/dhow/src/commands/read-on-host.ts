/**
 * @module
 * A value the command needs that only the host knows when the command runs (a new container's ID for
 * `kamal-proxy deploy --target`): put in as `$(<read>)` so the script does not stop for a round trip to read
 * it first, as Kamal does.
 */
import { type Command, flatten, render } from "./command.js";

/**
 * `command` with `placeholder` replaced by `$(<read>)` in its tokens. The builders quote and Ruby-dump their
 * values, which would escape the `$`, so the substitution goes in after they ran.
 */
export function readOnHost(command: Command, placeholder: string, read: Command): Command {
  const substitution = `$(${render(read)})`;
  // A function replacement: `$'` and `$&` in the substitution are literal, not replacement patterns.
  return flatten(command).map((token) =>
    typeof token === "string" ? token.replace(placeholder, () => substitution) : token,
  );
}
