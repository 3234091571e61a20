/**
 * @module
 * Validates a merged raw config exactly as Kamal 2.12 does when it builds `Kamal::Configuration`: first each
 * section validates itself (`sections/<section>.ts`, against its docs example), in Kamal's order (root,
 * servers and roles with their env/logging/proxy, registry, accessories, aliases, boot, builder, env,
 * logging, output, proxy, ssh, sshkit), then the cross-section checks (`cross-checks.ts`), then dhow's
 * `depends_on` graph checks (`dependency-checks.ts`: unknown names, self-dependencies, cycles), then the
 * stable-name checks (`service-name-checks.ts`: colliding names, a role's `options: name:`, `private_ip`
 * hosts, ports of accessories reached from other hosts). The first
 * problem found is thrown as a ConfigError with Kamal's message, the key path and the file and line where
 * the YAML has it.
 *
 * @example
 * validateConfig(loaded.raw, { locate: loaded.locate, file: loaded.files[0], destination });
 */
import { ConfigError, type SourceLocation } from "../errors.js";
import { configExample } from "./config-docs.js";
import { checkAcrossSections, type CrossCheckOptions } from "./cross-checks.js";
import { checkDependsOn } from "./dependency-checks.js";
import { validateDhowKeys, withoutDhowKeys } from "./dhow-schema.js";
import { withKamal1Hint } from "./kamal1-hints.js";
import { checkServiceNames } from "./service-name-checks.js";
import { isHash, type RubyHash } from "../ruby.js";
import { validateAccessory } from "./sections/accessory.js";
import { validateAlias } from "./sections/alias.js";
import { validateBoot } from "./sections/boot.js";
import { validateBuilder } from "./sections/builder.js";
import { validateEnv } from "./sections/env.js";
import { validateLogging } from "./sections/logging.js";
import { validateOutput } from "./sections/output.js";
import { validateProxy } from "./sections/proxy.js";
import { validateRegistry } from "./sections/registry.js";
import { roleNamesOf, validateServersSection } from "./sections/servers.js";
import { validateSsh } from "./sections/ssh.js";
import { validateSshkit } from "./sections/sshkit.js";
import { rootScope, scopeAt, validateAgainstExample } from "./validator.js";

/** Options for validateConfig. */
export interface ValidateConfigOptions extends CrossCheckOptions {
  /** Maps key paths to file locations (LoadedConfigFile.locate). */
  readonly locate?: ((keyPath: readonly (string | number)[]) => SourceLocation | undefined) | undefined;
  /** The config file, for errors that have no better location. */
  readonly file?: string | undefined;
}

/** Throws a ConfigError for the first thing Kamal 2.12 would reject in `raw`; returns if it is valid. */
export function validateConfig(raw: Record<string, unknown>, options: ValidateConfigOptions = {}): void {
  try {
    validateSections(raw, options);
  } catch (error) {
    if (error instanceof ConfigError) throw withKamal1Hint(error, raw);
    throw error;
  }
}

function validateSections(raw: RubyHash, options: ValidateConfigOptions): void {
  const root = rootScope({ locate: options.locate, file: options.file });
  const at = (key: string) => scopeAt(root, key, [key]);
  validateAgainstExample(root, withoutDhowKeys("configuration", raw), configExample("configuration"), {
    allowExtensions: true,
    root: true,
  });
  validateDhowKeys("configuration", root, raw);
  validateServersSection(root, raw);
  validateRegistry(at("registry"), raw.registry);
  if (isHash(raw.accessories)) {
    const roleNames = roleNamesOf(raw.servers);
    for (const [name, config] of Object.entries(raw.accessories)) validateAccessory(root, name, config, roleNames);
  }
  if (isHash(raw.aliases))
    for (const [name, command] of Object.entries(raw.aliases)) validateAlias(root, name, command);
  validateBoot(at("boot"), raw.boot);
  validateBuilder(root, raw.builder);
  validateEnv(at("env"), raw.env ?? {});
  validateLogging(at("logging"), raw.logging);
  validateOutput(at("output"), raw.output);
  validateProxy(at("proxy"), raw.proxy);
  validateSsh(at("ssh"), raw.ssh);
  validateSshkit(at("sshkit"), raw.sshkit);
  checkAcrossSections(raw, root, options);
  checkDependsOn(raw, root);
  checkServiceNames(raw, root, options);
}
