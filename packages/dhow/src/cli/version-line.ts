/**
 * @module
 * What `dhow version` prints.
 */
import { DHOW_VERSION, KAMAL_COMPAT_VERSION } from "../version.js";

/** `0.1.0 (compatible with Kamal 2.12.0)` and a newline. */
export function versionLine(): string {
  return `${DHOW_VERSION} (compatible with Kamal ${KAMAL_COMPAT_VERSION})\n`;
}
