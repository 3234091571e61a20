/**
 * @module
 * Which proxy image dhow runs. Kamal runs `basecamp/kamal-proxy:v0.9.2` unless `proxy.run` (or the legacy
 * `proxy boot_config` files on the host) choose another. dhow runs its own proxy image by default
 * (`<registry>/<namespace>/dhow-proxy:v0.9.2`, built by `dhow proxy build`), so no public image is needed:
 *
 * - no `proxy.run`: Kamal's legacy command runs unchanged, with dhow's image as the default where Kamal
 *   has `basecamp/kamal-proxy` (the `.kamal/proxy/image*` files a user set still win);
 * - `proxy.run` without `registry`, `repository` and `version`: as if it named dhow's image;
 * - `proxy.run` with any of them: exactly Kamal's command for that image (e.g. a real kamal-proxy).
 */
import { dhowProxyImage, dhowProxyRepository, DHOW_PROXY_IMAGE_VERSION } from "../../commands/proxy-image.js";
import type { Config, ProxyRun } from "../../config/config.js";
import { createProxyRun } from "../../config/sections/proxy-run.js";

/** The config with dhow's proxy image as the default proxy image. Idempotent. */
export function withDhowProxyImage(config: Config): Config {
  if ((config as Partial<Marked>)[DHOW_PROXY_MARK]) return config;
  const { registry, repository } = dhowProxyRepository(config);
  const proxyBoot = {
    ...config.proxyBoot,
    imageDefault: [registry, repository].filter((part) => part !== undefined).join("/"),
    minimumVersion: DHOW_PROXY_IMAGE_VERSION,
  };
  const proxyRun = (host: string): ProxyRun | undefined => {
    const run = config.proxyRun(host);
    if (!run || choosesImage(run)) return run;
    return createProxyRun(
      { ...run.raw, ...(registry === undefined ? {} : { registry }), repository, version: DHOW_PROXY_IMAGE_VERSION },
      config.proxyBoot,
    );
  };
  return Object.create(config, {
    proxyBoot: { value: proxyBoot, enumerable: true },
    proxyRun: { value: proxyRun, enumerable: true },
    [DHOW_PROXY_MARK]: { value: true },
  }) as Config;
}

/** Whether the proxy on `host` runs dhow's own image (by default, not chosen by `proxy.run`). */
export function usesDhowProxyImage(config: Config, host: string): boolean {
  const run = config.proxyRun(host);
  return !run || !choosesImage(run);
}

/** The dhow proxy images the selected proxy hosts would run (at most one). */
export function dhowProxyImagesFor(config: Config, hosts: readonly string[]): string[] {
  return hosts.some((host) => usesDhowProxyImage(config, host)) ? [dhowProxyImage(config)] : [];
}

const DHOW_PROXY_MARK = Symbol("dhow proxy image");
interface Marked {
  readonly [DHOW_PROXY_MARK]: true;
}

function choosesImage(run: ProxyRun): boolean {
  const { registry, repository, version } = run.raw;
  return [registry, repository, version].some((value) => value !== undefined && value !== null);
}
