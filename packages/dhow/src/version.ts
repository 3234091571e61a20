/** dhow's own version. */
export const DHOW_VERSION = "0.1.0";
/** The Kamal release whose config, commands and host layout dhow reproduces (and compares `minimum_version` with). */
export const KAMAL_COMPAT_VERSION = "2.12.0";
