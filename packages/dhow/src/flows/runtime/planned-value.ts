/**
 * @module
 * Under `--dry-run` a value read from a host can be missing only because an earlier step of the plan was
 * recorded, not run (the container `app start` would start is not running yet), or because nothing was asked
 * (`--offline`). The plan then shows a placeholder that says what would be there, instead of failing.
 */
import type { DeployContext } from "./context.js";

/** `value`, or under `--dry-run` when it is empty, `<placeholder>`. */
export function plannedValue(ctx: Pick<DeployContext, "state">, value: string, placeholder: string): string {
  return value === "" && ctx.state.plan ? `<${placeholder}>` : value;
}
