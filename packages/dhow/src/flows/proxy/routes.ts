/**
 * @module
 * What kamal-proxy routes to right now on a host, read from `kamal-proxy list` (the only form both
 * kamal-proxy 0.9.2 and dhow-proxy offer: kamal-proxy has no `--json`). Used to never stop a container the
 * proxy is serving from, whatever the "current version" query says (after an interrupted deploy, say).
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";

/** Service name → its active targets (`<container id or name>:<port>`). */
export type ProxyRoutes = ReadonlyMap<string, readonly string[]>;

const ANSI = /\u001b\[[0-9;]*m/g;

/** The routes of every service on `host`; empty when no proxy runs there. */
export async function readProxyRoutes(ctx: DeployContext, host: string): Promise<ProxyRoutes> {
  const result = await execute(ctx, host, app.listRoutes(ctx.config), { allowFailure: true, readOnly: true });
  return result.exitCode === 0 ? parseProxyList(result.stdout) : new Map();
}

/**
 * Parses `kamal-proxy list` output (with or without ANSI styles). Columns are cut where the header's words
 * start (kamal-proxy aligns them, dhow-proxy pads them to 30 characters; older kamal-proxy versions have no
 * Path column), so it reads every version's table.
 */
export function parseProxyList(text: string): ProxyRoutes {
  const routes = new Map<string, readonly string[]>();
  const lines = text.replace(ANSI, "").split("\n");
  const headerIndex = lines.findIndex((line) => /^Service\s/.test(line) && /\sTarget(\s|$)/.test(line));
  if (headerIndex === -1) return routes;
  const header = lines[headerIndex]!;
  const starts = [...header.matchAll(/\S+/g)].map((match) => ({ name: match[0], at: match.index ?? 0 }));
  const targetColumn = starts.findIndex((column) => column.name === "Target");
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === "") continue;
    const cell = (index: number) => line.slice(starts[index]!.at, starts[index + 1]?.at ?? line.length).trim();
    const service = cell(0);
    const target = cell(targetColumn);
    if (!service || !target) continue;
    routes.set(service, target.split(",").filter(Boolean));
  }
  return routes;
}

/** Whether `targets` include the container with this ID (short or long) or name. */
export function routesTo(targets: readonly string[], container: { id?: string; name?: string }): boolean {
  return targets.some((target) => {
    const colon = target.lastIndexOf(":");
    const address = colon === -1 ? target : target.slice(0, colon);
    if (container.name && address === container.name) return true;
    if (!container.id || address.length < 12) return false;
    return container.id.startsWith(address) || address.startsWith(container.id);
  });
}
