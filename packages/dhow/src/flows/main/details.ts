/**
 * @module
 * `dhow details`: the proxy, app and accessory containers (`proxy details` + `app details` +
 * `accessory details all`).
 */
import type { DeployContext } from "../runtime/context.js";
import { accessoryDetails } from "../accessory/details.js";
import { ALL_ACCESSORIES } from "../accessory/lookup.js";
import { appDetails } from "../app/details.js";
import { proxyDetails } from "../proxy/details.js";

/** Prints the details of every container dhow manages on the selected hosts. */
export async function details(ctx: DeployContext): Promise<void> {
  await proxyDetails(ctx);
  await appDetails(ctx);
  await accessoryDetails(ctx, ALL_ACCESSORIES);
}
