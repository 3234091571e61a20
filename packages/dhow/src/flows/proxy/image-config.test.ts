import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DHOW_PROXY_IMAGE_VERSION, dhowProxyImage } from "../../commands/proxy-image.js";
import * as proxy from "../../commands/proxy.js";
import { render } from "../../commands/command.js";
import { dhowProxyImagesFor, usesDhowProxyImage, withDhowProxyImage } from "./image-config.js";
import { TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { testContext } from "../../testing/test-context.js";

describe("withDhowProxyImage", () => {
  it("makes dhow's image the legacy default and leaves the original config as Kamal's", () => {
    const { config } = testContext({ raw: TRACE_CONFIG });
    const kamal = render(proxy.run({ config, host: "1.1.1.1" }));
    const dhow = render(proxy.run({ config: withDhowProxyImage(config), host: "1.1.1.1" }));
    expect(kamal).toContain('echo "basecamp/kamal-proxy"');
    expect(dhow).toBe(kamal.replace('echo "basecamp/kamal-proxy"', 'echo "ghcr.io/dhh/dhow-proxy"'));
    expect(withDhowProxyImage(withDhowProxyImage(config)).proxyBoot.imageDefault).toBe("ghcr.io/dhh/dhow-proxy");
    expect(withDhowProxyImage(config).absoluteImage).toBe(config.absoluteImage);
  });

  it("keeps an image chosen by proxy.run (registry, repository or version)", () => {
    for (const run of [{ registry: "registry:4443" }, { repository: "me/proxy" }, { version: "v0.9.3" }]) {
      const { config } = testContext({ raw: { ...TRACE_CONFIG, proxy: { ...TRACE_CONFIG.proxy, run } } });
      expect(usesDhowProxyImage(config, "1.1.1.1")).toBe(false);
      expect(render(proxy.run({ config: withDhowProxyImage(config), host: "1.1.1.1" }))).toBe(
        render(proxy.run({ config, host: "1.1.1.1" })),
      );
      expect(dhowProxyImagesFor(config, ["1.1.1.1"])).toEqual([]);
    }
  });

  it("names the image next to the app image, in the app's registry", () => {
    const named = (registry: Record<string, unknown>, image: string) =>
      dhowProxyImage(testContext({ raw: { ...TRACE_CONFIG, registry, image } }).config);
    expect(named({ server: "ghcr.io", username: "u", password: "p" }, "dhh/app")).toBe("ghcr.io/dhh/dhow-proxy:v0.9.2");
    expect(named({ server: "10.0.0.1:5000", username: "u", password: "p" }, "app")).toBe(
      "10.0.0.1:5000/dhow-proxy:v0.9.2",
    );
    expect(named({ username: "u", password: "p" }, "dhh/app")).toBe("dhh/dhow-proxy:v0.9.2");
  });

  it("tags the image with the proxy package's version, which Kamal's version check accepts", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../../../proxy/package.json", import.meta.url), "utf8"));
    expect(DHOW_PROXY_IMAGE_VERSION).toBe(`v${pkg.version}`);
    expect(DHOW_PROXY_IMAGE_VERSION).toMatch(/^v\d+(\.\d+)*$/);
  });
});
