import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkHostKey, hostKeyAlgorithms, parseKnownHosts } from "./known-hosts.js";

const keyA = Buffer.from("key-a");
const keyB = Buffer.from("key-b");
const b64 = (key: Buffer) => key.toString("base64");

function hashed(name: string): string {
  const salt = Buffer.from("0123456789abcdefghij");
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

describe("known_hosts", () => {
  const entries = parseKnownHosts(
    [
      "# comment",
      `10.0.0.1,web.example.com ssh-ed25519 ${b64(keyA)} comment`,
      `[10.0.0.2]:2222 ssh-ed25519 ${b64(keyA)}`,
      `${hashed("10.0.0.3")} ssh-rsa ${b64(keyB)}`,
      `*.wild ssh-ed25519 ${b64(keyA)}`,
      `@revoked 10.0.0.4 ssh-ed25519 ${b64(keyB)}`,
      `@cert-authority *.example.com ssh-ed25519 ${b64(keyB)}`,
    ].join("\n"),
  );

  it("accepts a listed key, refuses a different one, and accepts unlisted hosts", () => {
    expect(checkHostKey(entries, "10.0.0.1", 22, keyA)).toBe("match");
    expect(checkHostKey(entries, "web.example.com", 22, keyB)).toBe("mismatch");
    expect(checkHostKey(entries, "10.0.0.9", 22, keyB)).toBe("unknown");
  });

  it("uses [host]:port for other ports, hashed names and wildcards", () => {
    expect(checkHostKey(entries, "10.0.0.2", 2222, keyA)).toBe("match");
    expect(checkHostKey(entries, "10.0.0.2", 22, keyA)).toBe("unknown");
    expect(checkHostKey(entries, "10.0.0.3", 22, keyB)).toBe("match");
    expect(checkHostKey(entries, "10.0.0.3", 22, keyA)).toBe("mismatch");
    expect(checkHostKey(entries, "a.wild", 22, keyB)).toBe("mismatch");
  });

  it("refuses revoked keys and skips @cert-authority lines", () => {
    expect(checkHostKey(entries, "10.0.0.4", 22, keyB)).toBe("revoked");
    expect(checkHostKey(entries, "other.example.com", 22, keyB)).toBe("unknown");
  });

  it("offers the listed key types first, so a host presents a key that can be checked", () => {
    expect(hostKeyAlgorithms(entries, "10.0.0.3", 22)).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
    expect(hostKeyAlgorithms(entries, "10.0.0.1", 22)).toEqual(["ssh-ed25519"]);
    expect(hostKeyAlgorithms(entries, "10.0.0.9", 22)).toBeUndefined();
  });
});
