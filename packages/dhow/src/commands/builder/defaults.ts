/**
 * @module
 * Defaults of the builder commands.
 */

/** The `push` output when none is given (`buildx --output=type=registry`: build and push). */
export const DEFAULT_PUSH_OUTPUT = "registry";

/** The `build dev` output when none is given (`docker`: load into the local image store). */
export const DEFAULT_DEV_OUTPUT = "docker";
