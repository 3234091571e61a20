/**
 * @module
 * Whether a config declares any `depends_on` (dhow only). Without one, every flow behaves exactly as Kamal's:
 * accessories boot in YAML order without waiting, `deploy` leaves them alone, roles keep the primary-role
 * barrier.
 */
import type { Config } from "../../config/config.js";

/** Whether any role or accessory of the config declares `depends_on`. */
export function usesDependencies(config: Config): boolean {
  return (
    config.roles.some((role) => (role.dependsOn?.length ?? 0) > 0) ||
    config.accessories.some((accessory) => (accessory.dependsOn?.length ?? 0) > 0)
  );
}
