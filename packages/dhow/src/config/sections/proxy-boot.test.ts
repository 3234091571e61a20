import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { staticSecrets } from "../../secrets/secrets.js";
import { createConfig, type CreateConfigOptions } from "../config.js";
import type { RawConfig } from "../raw-config.js";
import { DHOW_PROXY_IMAGE_VERSION } from "./proxy-boot.js";

const RAW = {
  service: "app",
  image: "dhh/app",
  registry: { server: "ghcr.io", username: "dhh", password: "pw" },
  builder: { arch: "amd64" },
  servers: ["1.1.1.1"],
};

function build(raw: Record<string, unknown> = {}, options: Partial<CreateConfigOptions> = {}) {
  return createConfig({ ...RAW, ...raw } as RawConfig, { version: "999", secrets: staticSecrets({}), ...options });
}

describe("the default proxy image, chosen when the config is built", () => {
  it("is dhow's own image: the legacy default, and the image of a proxy.run that names none", () => {
    const config = build();
    expect(config.proxyBoot.imageDefault).toBe("ghcr.io/dhh/dhow-proxy");
    expect(config.proxyBoot.minimumVersion).toBe("v0.9.2");
    expect(config.proxyImage("1.1.1.1")).toBe("ghcr.io/dhh/dhow-proxy:v0.9.2");
    expect(config.runsDhowProxy("1.1.1.1")).toBe(true);
    const run = build({ proxy: { run: { http_port: 8080 } } }).proxyRun("1.1.1.1");
    expect(run?.image).toBe("ghcr.io/dhh/dhow-proxy:v0.9.2");
    expect(run?.dhowImage).toBe(true);
    expect(run?.raw).toEqual({ http_port: 8080 });
  });

  it("keeps an image chosen by proxy.run (registry, repository or version), as Kamal runs it", () => {
    for (const [run, image] of [
      [{ registry: "registry:4443" }, "registry:4443/basecamp/kamal-proxy:v0.9.2"],
      [{ repository: "me/proxy" }, "me/proxy:v0.9.2"],
      [{ version: "v0.9.3" }, "basecamp/kamal-proxy:v0.9.3"],
    ] as const) {
      const config = build({ proxy: { run } });
      expect(config.proxyImage("1.1.1.1")).toBe(image);
      expect(config.runsDhowProxy("1.1.1.1")).toBe(false);
    }
  });

  it("is Kamal's basecamp/kamal-proxy only when asked (to compare with Kamal's command strings)", () => {
    const config = build({ proxy: { run: { http_port: 8080 } } }, { proxyImage: "kamal" });
    expect(config.proxyBoot.imageDefault).toBe("basecamp/kamal-proxy");
    expect(config.proxyRun("1.1.1.1")?.image).toBe("basecamp/kamal-proxy:v0.9.2");
    expect(config.runsDhowProxy("1.1.1.1")).toBe(false);
    expect(config.proxyBoot.dhowImage.image).toBe("ghcr.io/dhh/dhow-proxy:v0.9.2");
  });

  it("names dhow's image next to the app image, in the app's registry", () => {
    const named = (registry: Record<string, unknown>, image: string) =>
      build({ registry, image }).proxyBoot.dhowImage.image;
    expect(named({ server: "ghcr.io", username: "u", password: "p" }, "dhh/app")).toBe("ghcr.io/dhh/dhow-proxy:v0.9.2");
    expect(named({ server: "10.0.0.1:5000", username: "u", password: "p" }, "app")).toBe(
      "10.0.0.1:5000/dhow-proxy:v0.9.2",
    );
    expect(named({ username: "u", password: "p" }, "dhh/app")).toBe("dhh/dhow-proxy:v0.9.2");
  });

  it("tags dhow's image with the proxy package's version, which Kamal's version check accepts", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../../../proxy/package.json", import.meta.url), "utf8"));
    expect(DHOW_PROXY_IMAGE_VERSION).toBe(`v${pkg.version}`);
    expect(DHOW_PROXY_IMAGE_VERSION).toMatch(/^v\d+(\.\d+)*$/);
  });
});
