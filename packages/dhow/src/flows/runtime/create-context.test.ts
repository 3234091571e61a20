import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { render } from "../../commands/command.js";
import * as proxy from "../../commands/proxy.js";
import { describeConfig } from "../../config/describe.js";
import { captureLogger } from "../../output/logger.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { recordingLocalRunner, testContext } from "../../testing/test-context.js";
import { createContext } from "./create-context.js";

const RAW = {
  service: "app",
  image: "dhh/app",
  registry: { server: "ghcr.io", username: "dhh", password: "regpw" },
  builder: { arch: "amd64" },
  servers: ["1.1.1.1"],
};

/** The context `dhow <command>` builds for a project holding RAW as config/deploy.yml. */
function cliContext() {
  const cwd = mkdtempSync(join(tmpdir(), "dhow-context-"));
  mkdirSync(join(cwd, "config"));
  writeFileSync(join(cwd, "config", "deploy.yml"), JSON.stringify(RAW));
  return createContext({
    cwd,
    env: {},
    logger: captureLogger(),
    configFile: "config/deploy.yml",
    version: "999",
    command: "proxy",
    skipHooks: true,
    lockWait: false,
    lockWaitTimeout: 900,
    lockWaitInterval: 15,
    executor: new RecordingExecutor(),
    local: recordingLocalRunner(),
  });
}

describe("createContext: one Config per run", () => {
  it("gives flows the Config as built, with dhow's proxy image, the same as unit tests get", () => {
    const cli = cliContext();
    const unit = testContext({ raw: RAW, version: "999" });
    const images = (ctx: typeof unit | typeof cli) => {
      const { imageDefault, minimumVersion, dhowImage, dhowImageByDefault } = ctx.config.proxyBoot;
      return { imageDefault, minimumVersion, dhowImage, dhowImageByDefault };
    };
    expect(images(cli)).toEqual(images(unit));
    expect(cli.config.proxyBoot.imageDefault).toBe("ghcr.io/dhh/dhow-proxy");
    const run = (ctx: typeof unit | typeof cli) => render(proxy.run({ config: ctx.config, host: "1.1.1.1" }));
    expect(run(cli)).toBe(run(unit));
    expect(run(cli)).toContain('echo "ghcr.io/dhh/dhow-proxy"');
    expect(Object.isFrozen(cli.config)).toBe(true);
    expect(Object.getPrototypeOf(cli.config)).toBe(Object.prototype);
  });

  it("keeps the proxy image for another version (withVersion builds the same kind of Config)", () => {
    const other = cliContext().withVersion("abc");
    expect(other.config.version).toBe("abc");
    expect(other.config.proxyBoot.imageDefault).toBe("ghcr.io/dhh/dhow-proxy");
  });

  it("is what `dhow config --json` shows", () => {
    expect(describeConfig(cliContext().config).proxy_images).toEqual(["ghcr.io/dhh/dhow-proxy:v0.9.2"]);
  });
});
