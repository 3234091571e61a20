/**
 * @module
 * `dhow app details`: `docker ps` of the app's containers, per host and role, then (dhow only, not with
 * `-q`) the role's stable name on the `kamal` network, its own network aliases, and each accessory name it
 * reaches on another host with that host's private address when known (docs/service-names.md).
 */
import * as app from "../../commands/app.js";
import type { Role } from "../../config/config.js";
import { roleLinks } from "../../config/cross-host.js";
import { KAMAL_NETWORK } from "../../constants.js";
import type { DeployContext } from "../runtime/context.js";
import { capture } from "../runtime/execute.js";
import { onRoles } from "../runtime/on-roles.js";
import { knownPrivateAddress } from "./cross-host.js";

/** Prints `docker ps` filtered by the app's labels for every selected role on each app host. */
export async function appDetails(ctx: DeployContext): Promise<void> {
  await onRoles(ctx, ctx.selection.appHosts, async (host, role) => {
    const output = await capture(ctx, host, app.info({ config: ctx.config, role, host }));
    const names = ctx.logger.verbosity === "quiet" ? [] : nameLines(ctx, host, role);
    ctx.logger.outputByHost(host, [output, ...names].join("\n"));
  });
}

/** `Stable name: shop-web (kamal network)`, aliases, and `Reaches shop-redis at 10.0.0.20 (on …)` lines. */
export function nameLines(ctx: DeployContext, host: string, role: Role): string[] {
  const lines = [`Stable name: ${role.containerPrefix} (${KAMAL_NETWORK} network)`];
  if (role.networkOptions.aliases.length > 0) {
    lines.push(`Network aliases: ${role.networkOptions.aliases.join(", ")} (${KAMAL_NETWORK} network)`);
  }
  for (const link of roleLinks(ctx.config, role, host)) {
    const address = knownPrivateAddress(ctx, link.target) ?? "its private address (discovered when it boots)";
    lines.push(`Reaches ${link.name} at ${address} (on ${link.target}, ${link.via})`);
  }
  return lines;
}
