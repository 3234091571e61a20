import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandTokens, matchesHost, parseSshConfig, resolveSshHost } from "./ssh-config.js";

const CONFIG = `
# global defaults come last in OpenSSH style, but the first value wins
Host bastion
  HostName 10.0.0.1
  User jump

Host web-* !web-internal
  HostName %h.example.com
  Port 2222
  IdentityFile ~/.ssh/deploy_%r
  ProxyJump bastion

Host web-internal
  User=ops

Match exec "curl evil"
  User never

Host *
  User everyone
  Port 22
  IdentityFile ~/.ssh/id_ed25519
  UserKnownHostsFile ~/.ssh/known_hosts2 "/etc/ssh/known hosts"
  IdentitiesOnly yes
`;

describe("parseSshConfig + resolveSshHost", () => {
  const blocks = parseSshConfig(CONFIG);

  it("applies the first value of each directive from every matching Host block", () => {
    expect(resolveSshHost(blocks, "web-1")).toEqual({
      hostName: "web-1.example.com",
      user: "everyone",
      port: 2222,
      identityFiles: [join(homedir(), ".ssh", "deploy_everyone"), join(homedir(), ".ssh", "id_ed25519")],
      identitiesOnly: true,
      proxyJump: "bastion",
      userKnownHostsFiles: [join(homedir(), ".ssh", "known_hosts2"), "/etc/ssh/known hosts"],
    });
  });

  it("honours negated patterns, `key=value` lines, and never applies Match blocks", () => {
    const internal = resolveSshHost(blocks, "web-internal");
    expect(internal.user).toBe("ops");
    expect(internal.hostName).toBeUndefined();
    expect(internal.port).toBe(22);
  });

  it("expands %r with the user the caller passes", () => {
    expect(resolveSshHost(blocks, "web-2", { user: "root" }).identityFiles[0]).toBe(
      join(homedir(), ".ssh", "deploy_root"),
    );
  });

  it("follows Include (relative to ~/.ssh), inside the block it appears in", () => {
    const files: Record<string, string> = {
      [join(homedir(), ".ssh", "conf.d/extra")]: "Port 2200\nHost other\n  User other-user\n",
    };
    const included = parseSshConfig("Host app\n  Include conf.d/extra\n  User after-include\n", {
      read: (path) => files[path],
    });
    expect(resolveSshHost(included, "app")).toMatchObject({ port: 2200, user: "after-include" });
    expect(resolveSshHost(included, "other")).toMatchObject({ user: "other-user" });
    expect(resolveSshHost(included, "zzz").port).toBeUndefined();
  });

  it("ignores ProxyJump/ProxyCommand none", () => {
    const none = parseSshConfig("Host *\n  ProxyJump none\n  ProxyCommand none\n");
    expect(resolveSshHost(none, "x")).toEqual({ identityFiles: [], userKnownHostsFiles: [] });
  });
});

describe("matchesHost / expandTokens", () => {
  it("matches globs case-insensitively with negation", () => {
    expect(matchesHost(["*.example.com"], "A.EXAMPLE.com")).toBe(true);
    expect(matchesHost(["10.0.0.?"], "10.0.0.12")).toBe(false);
    expect(matchesHost(["*", "!db*"], "db1")).toBe(false);
  });

  it("expands %h %p %r %n %%", () => {
    expect(expandTokens("ssh -W %h:%p %r@%n 100%%", { host: "alias", hostName: "1.2.3.4", user: "u", port: 2 })).toBe(
      "ssh -W 1.2.3.4:2 u@alias 100%",
    );
  });
});
