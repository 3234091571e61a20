/**
 * @module
 * A minimal app target for command-builder tests: service `shop`, one `web` role on 1.1.1.1, version 999.
 */
import type { AppTarget } from "../commands/app/target.js";
import { createConfig } from "../config/config.js";
import type { RawConfig } from "../config/raw-config.js";
import { staticSecrets } from "../secrets/secrets.js";

/** The `web` role of a one-server `shop` config, on 1.1.1.1. */
export function shopWebTarget(): AppTarget & { readonly host: string } {
  const config = createConfig(
    {
      service: "shop",
      image: "dhh/shop",
      registry: { username: "u", password: "p" },
      servers: ["1.1.1.1"],
    } as unknown as RawConfig,
    { version: "999", secrets: staticSecrets({}), cwd: "/project" },
  );
  return { config, role: config.role("web")!, host: "1.1.1.1" };
}
