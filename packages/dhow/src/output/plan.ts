/**
 * @module
 * What `--dry-run` prints when the command ends: per host, every round trip the command would make (each
 * remote script with its commands in order, uploads) with the local steps (hooks, the build) where they
 * fall between them. Steps marked `read` only read, and ran during the dry run to decide on real facts.
 */
/** One shown step of a planned round trip. */
export interface PlannedStep {
  /** The redacted command. */
  readonly text: string;
  /** It only reads: it ran during the dry run (unless offline). */
  readonly read: boolean;
  /** What it and the steps after it (up to the next purpose) are for. */
  readonly purpose?: string;
  /** A condition: when it fails on the host, the rest of the script is skipped there. */
  readonly guard?: boolean;
}

/** One entry of the plan: a round trip to a host, or something done on this machine. */
export type PlanEntry =
  | { readonly kind: "script"; readonly host: string; readonly steps: readonly PlannedStep[] }
  | {
      readonly kind: "upload";
      readonly host: string;
      readonly path: string;
      readonly bytes: number;
      readonly mode?: number;
    }
  | { readonly kind: "forward"; readonly host: string; readonly port: number }
  | { readonly kind: "local"; readonly text: string };

/** The printed plan. */
export function formatPlan(entries: readonly PlanEntry[], options: { command: string; offline: boolean }): string {
  const hosts = [...new Set(entries.flatMap((entry) => (entry.kind === "local" ? [] : [entry.host])))];
  const lines = [
    `Dry run of \`dhow ${options.command}\`: nothing was changed.`,
    options.offline
      ? "Offline: no host was contacted; every host is planned as if nothing ran on it yet."
      : "Steps marked (read) only read; they ran to decide the plan.",
  ];
  if (hosts.length === 0) {
    lines.push("", "This machine:");
    for (const entry of entries) if (entry.kind === "local") lines.push(`  ${entry.text}`);
    if (entries.length === 0) lines.push("  nothing to do");
    return `${lines.join("\n")}\n`;
  }
  for (const host of hosts) {
    const mine = entries.filter((entry) => entry.kind === "local" || entry.host === host);
    const trips = mine.filter((entry) => entry.kind === "script" || entry.kind === "upload").length;
    lines.push("", `${host} (${trips} round trip${trips === 1 ? "" : "s"}):`);
    let trip = 0;
    for (const entry of mine) {
      switch (entry.kind) {
        case "local":
          lines.push(`  local: ${entry.text}`);
          break;
        case "script":
          trip += 1;
          lines.push(`  ${trip}. script`);
          for (const step of entry.steps) {
            if (step.purpose !== undefined) lines.push(`     # ${step.purpose}`);
            lines.push(
              `     ${step.guard ? "(only if) " : step.read ? "(read) " : ""}${step.text.replaceAll("\n", "\n       ")}`,
            );
          }
          break;
        case "upload":
          trip += 1;
          lines.push(
            `  ${trip}. upload ${entry.path}${entry.bytes >= 0 ? ` (${entry.bytes} bytes` : " ("}${entry.mode === undefined ? "" : `${entry.bytes >= 0 ? ", " : ""}mode ${entry.mode.toString(8)}`})`,
          );
          break;
        case "forward":
          lines.push(`  forward the host's port ${entry.port} to this machine`);
          break;
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
