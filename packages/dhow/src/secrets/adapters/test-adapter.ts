/**
 * @module
 * `--adapter test`: no vault, each secret's value is its name reversed (Kamal's integration tests use it).
 * It still requires `--account`, as Kamal's does.
 */
import { prefixedSecrets, type SecretsAdapter, type VaultSecrets } from "./adapter.js";

/** The test adapter. */
export const testAdapter: SecretsAdapter = {
  requiresAccount: true,
  fetch({ secrets, from }) {
    const results: VaultSecrets = new Map();
    for (const secret of prefixedSecrets(secrets, from)) results.set(secret, Array.from(secret).reverse().join(""));
    return results;
  },
};
