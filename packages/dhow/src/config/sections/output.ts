/**
 * @module
 * `output:` extra copies of command output (a local file, OpenTelemetry). dhow keeps the section as
 * written (`Config.output`, shown by `dhow config`), so only its validation lives here (Kamal's
 * `Configuration::Output`, validated against docs/output.yml).
 */
import { type Scope, validateSection } from "../validator.js";

/** Kamal's output validation: against the example of docs/output.yml. */
export function validateOutput(scope: Scope, config: unknown): void {
  validateSection(scope, config ?? {}, "output");
}
