import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createConfig } from "../config/config.js";
import type { RawConfig } from "../config/raw-config.js";
import * as app from "../commands/app.js";
import { staticSecrets } from "../secrets/secrets.js";
import { interactiveRunner, runInteractive } from "./interactive-ssh.js";

/** A directory with a fake `ssh` that writes its argv (one per line) to $ARGS_FILE and exits with $SSH_EXIT. */
function fakeSsh() {
  const dir = mkdtempSync(join(tmpdir(), "dhow-fake-ssh-"));
  const script = join(dir, "ssh");
  writeFileSync(script, '#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_FILE"\nexit "${SSH_EXIT:-0}"\n');
  chmodSync(script, 0o755);
  const argsFile = join(dir, "args");
  const env = { PATH: `${dir}:${process.env["PATH"] ?? "/usr/bin:/bin"}`, ARGS_FILE: argsFile };
  return { env, args: () => readFileSync(argsFile, "utf8").split("\n").slice(0, -1) };
}

describe("runInteractive", () => {
  it("hands Kamal's ssh -t line to the system ssh with the argv Ruby's exec would give it", async () => {
    const ssh = fakeSsh();
    const config = createConfig(
      {
        service: "app",
        image: "dhh/app",
        registry: { username: "u", password: "p" },
        builder: { arch: "amd64" },
        servers: { web: ["1.1.1.1"] },
        ssh: { user: "deploy", port: 2222, keys: ["/k/id"], keys_only: true, config: false, proxy: "jump@bastion" },
      } as RawConfig,
      { version: "V1", secrets: staticSecrets({}) },
    );
    const role = config.roles[0]!;
    const line = app.executeInExistingContainerOverSsh({ config, role, host: "1.1.1.1" }, ["echo 'hi there'"], {
      facts: { stdinIsTty: () => true, randomHex: () => "abc" },
    });
    expect(await runInteractive(line, { env: ssh.env })).toBe(0);
    expect(ssh.args()).toEqual([
      "-F",
      "/dev/null",
      "-J",
      "jump@bastion",
      "-i",
      "/k/id",
      "-o",
      "IdentitiesOnly=yes",
      "-t",
      "deploy@1.1.1.1",
      "-p",
      "2222",
      "docker exec -it app-web-V1 echo 'hi there'",
    ]);
  });

  it("resolves with ssh's exit code", async () => {
    const ssh = fakeSsh();
    const run = interactiveRunner({ env: { ...ssh.env, SSH_EXIT: "42" } });
    expect(await run("ssh -t root@1.1.1.1 -p 22 'true'")).toBe(42);
  });

  it("reports a command that is not found as 127, and a signal as 128+n", async () => {
    const ssh = fakeSsh();
    expect(await runInteractive("no-such-program-dhow", { env: ssh.env })).toBe(127);
    expect(await runInteractive("kill -TERM $$", { env: ssh.env })).toBe(143);
  });
});

describe("runInteractive signals", () => {
  it("passes a SIGTERM sent to dhow on to the child, and resolves with the child's status", async () => {
    const ssh = fakeSsh();
    const listeners = process.listenerCount("SIGTERM");
    // The child reports that it is ready by creating a file, then waits to be signalled.
    const ready = `${ssh.env.ARGS_FILE}.ready`;
    const running = runInteractive(`trap 'exit 9' TERM; touch ${ready}; while true; do sleep 0.05; done`, {
      env: ssh.env,
    });
    const { existsSync } = await import("node:fs");
    while (!existsSync(ready)) await new Promise((resolve) => setTimeout(resolve, 10));
    process.emit("SIGTERM", "SIGTERM");
    expect(await running).toBe(9);
    expect(process.listenerCount("SIGTERM")).toBe(listeners);
  });
});
