import { describe, expect, it } from "vitest";
import { captureLogger, createLogger } from "./logger.js";

describe("createLogger", () => {
  it("shows steps and host lines normally, commands only when verbose, and only errors when quiet", () => {
    const write = (verbosity: "quiet" | "normal" | "verbose") => {
      let out = "";
      let err = "";
      const logger = createLogger({ stdout: (t) => (out += t), stderr: (t) => (err += t), verbosity });
      logger.say("Acquiring the deploy lock...", "magenta");
      logger.forHost("1.1.1.1").command("docker ps");
      logger.forHost("1.1.1.1").info("booted");
      logger.error("boom");
      return { out, err };
    };
    expect(write("normal").out).toBe("Acquiring the deploy lock...\n  1.1.1.1 booted\n");
    expect(write("verbose").out).toContain("  Running docker ps on 1.1.1.1\n");
    expect(write("quiet")).toEqual({ out: "", err: "boom\n" });
  });

  it("prints output by host with Kamal's header", () => {
    const logger = captureLogger("normal");
    logger.outputByHost("1.1.1.1", "app-web-1\n");
    expect(logger.lines).toEqual(["App Host: 1.1.1.1", "app-web-1", ""]);
  });
});
