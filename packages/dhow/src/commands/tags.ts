/**
 * @module
 * The details attached to audit lines and hook environments (Kamal's `Kamal::Tags`): when, who,
 * destination, version, service, plus any extra details (role, hosts, command…), in that order.
 */
import type { Config } from "../config/config.js";
import { type Facts, iso8601 } from "./facts.js";

/** Ordered tag name → value (absent values dropped). */
export type Tags = ReadonlyMap<string, string>;

/** The default tags for a config plus `extra` details (later keys win, order of first appearance kept). */
export function tagsFromConfig(
  config: Config,
  facts: Pick<Facts, "now" | "performer">,
  extra: Readonly<Record<string, unknown>> = {},
): Tags {
  const entries: [string, unknown][] = [
    ["recorded_at", iso8601(facts.now())],
    ["performer", facts.performer()],
    ["destination", config.destination],
    ["version", config.version],
    ["service_version", [config.service, config.abbreviatedVersion].join("@")],
    ["service", config.service],
    ...Object.entries(extra),
  ];
  const tags = new Map<string, string>();
  for (const [key, value] of entries) {
    if (value === undefined || value === null) tags.delete(key);
    else tags.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return tags;
}

/** The tags without some keys. */
export function exceptTags(tags: Tags, ...keys: readonly string[]): Tags {
  return new Map([...tags].filter(([key]) => !keys.includes(key)));
}

/** `[v1] [v2] …` */
export function tagsToString(tags: Tags): string {
  return [...tags.values()].map((value) => `[${value}]`).join(" ");
}

/** `KAMAL_<KEY>` → value, for hook environments. */
export function tagsToEnv(tags: Tags): Record<string, string> {
  return Object.fromEntries([...tags].map(([key, value]) => [`KAMAL_${key.toUpperCase()}`, value]));
}
