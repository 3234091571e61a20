/**
 * @module
 * Interactive commands (`app exec -i`, `logs -f`…) hand the terminal to `ssh -t`; when ssh exits non-zero,
 * dhow exits with the same code.
 */
import { DhowError } from "../errors.js";

/** An interactive command (ssh -t) ended with a non-zero status; dhow exits with the same status. */
export class InteractiveExitError extends DhowError {
  override readonly exitCode: number;
  constructor(status: number) {
    super(`ssh exited with status ${status}`);
    this.exitCode = status;
  }
}

/** Throws InteractiveExitError for a non-zero status. */
export function exitOnStatus(status: number): void {
  if (status !== 0) throw new InteractiveExitError(status);
}
