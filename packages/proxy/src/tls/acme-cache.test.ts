// The autocert-layout cache, and AcmeCertManager's cache/renewal/backoff logic with the ACME client faked at its
// boundary (a local openssl CA signs the CSRs); real issuance is covered against Pebble in acme-manager.test.ts.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as acme from "acme-client";
import { describe, expect, it } from "vitest";
import { eventually, selfSignedCertificate, tempDir } from "../../test/helpers.js";
import { createLogger } from "../log/logger.js";
import { AcmeCache, scopedCachePath } from "./acme-cache.js";
import { AcmeCertManager, type AcmeClientLike } from "./acme-manager.js";

describe("AcmeCache", () => {
  it("scopes by the sha256 of the directory (the empty string for Let's Encrypt production)", () => {
    expect(scopedCachePath("/c", "")).toBe("/c/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("reads autocert's file format (EC key first, then the chain) and writes it back", async () => {
    const dir = tempDir();
    const cert = selfSignedCertificate(dir, ["a.test"]);
    const keyPem = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      .privateKey.export({ type: "sec1", format: "pem" })
      .toString();
    writeFileSync(join(dir, "a.test"), `${keyPem}${readFileSync(cert.cert, "utf8")}`);
    const cache = new AcmeCache(dir);
    const stored = await cache.readCertificate("a.test");
    expect(stored?.keyPem).toContain("BEGIN EC PRIVATE KEY");
    expect(stored?.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(await cache.readCertificate("missing.test")).toBeUndefined();
    await cache.writeCertificate("b.test", keyPem, readFileSync(cert.cert, "utf8"));
    expect(readFileSync(join(dir, "b.test"), "utf8")).toMatch(
      /^-----BEGIN EC PRIVATE KEY-----[\s\S]+END CERTIFICATE-----\n$/,
    );
    await expect(cache.writeCertificate("../x", keyPem, "")).rejects.toThrow(/invalid domain/);
  });
});

/** A fake ACME client: runs the HTTP-01 challenge hooks, then signs the CSR with a throwaway openssl CA. */
function fakeCa(dir: string, behaviour: { fail?: boolean; days?: number } = {}) {
  const ca = selfSignedCertificate(dir, ["Fake CA"], "ca");
  let calls = 0;
  const client: AcmeClientLike = {
    async auto(options: acme.ClientAutoOptions) {
      calls++;
      const authz = { identifier: { type: "dns", value: "x" } } as unknown as acme.Authorization;
      const challenge = { type: "http-01", token: "tok", url: "", status: "pending" } as Parameters<
        acme.ClientAutoOptions["challengeCreateFn"]
      >[1];
      await options.challengeCreateFn(authz, challenge, "tok.key-auth");
      await options.challengeRemoveFn(authz, challenge, "tok.key-auth");
      if (behaviour.fail) throw new Error("CA says no");
      const csrPath = join(dir, `csr-${calls}.pem`);
      const certPath = join(dir, `issued-${calls}.pem`);
      writeFileSync(csrPath, options.csr);
      execFileSync(
        "openssl",
        [
          "x509",
          "-req",
          "-in",
          csrPath,
          "-CA",
          ca.cert,
          "-CAkey",
          ca.key,
          "-days",
          String(behaviour.days ?? 90),
          "-out",
          certPath,
          "-copy_extensions",
          "copy",
        ],
        { stdio: "ignore" },
      );
      return readFileSync(certPath, "utf8");
    },
  };
  return { client, calls: () => calls };
}

describe("AcmeCertManager (fake CA)", () => {
  const logger = createLogger({ sink: () => {} });

  it("issues once per host, serves from memory afterwards, and refuses hosts outside the list", async () => {
    const dir = tempDir();
    const ca = fakeCa(dir);
    const manager = new AcmeCertManager({
      logger,
      cacheDir: join(dir, "cache"),
      directoryUrl: "https://acme.invalid/dir",
      hosts: ["a.test"],
      challenges: ["http-01"],
      clientFactory: () => ca.client,
    });
    const [one, two] = await Promise.all([manager.secureContext("a.test"), manager.secureContext("A.TEST")]);
    expect(one).toBeDefined();
    expect(one).toBe(two);
    expect(ca.calls()).toBe(1);
    expect(manager.secureContext("a.test")).toBe(one);
    expect(manager.secureContext("b.test")).toBeUndefined();
    expect(new X509Certificate(manager.pem("a.test")!.cert).subject).toContain("CN=a.test");
  });

  it("serves a cached certificate close to expiry while renewing it in the background", async () => {
    const dir = tempDir();
    const cacheDir = join(dir, "cache");
    const shortLived = fakeCa(dir, { days: 5 });
    const first = new AcmeCertManager({
      logger,
      cacheDir,
      directoryUrl: "",
      hosts: ["a.test"],
      clientFactory: () => shortLived.client,
      challenges: ["http-01"],
    });
    await first.secureContext("a.test");
    const renewing = fakeCa(dir);
    const second = new AcmeCertManager({
      logger,
      cacheDir,
      directoryUrl: "",
      hosts: ["a.test"],
      clientFactory: () => renewing.client,
      challenges: ["http-01"],
    });
    // The 5-day cert is still valid, so it is served at once; being inside the 30-day window, it is renewed.
    const validDays = () =>
      (new Date(new X509Certificate(second.pem("a.test")!.cert).validTo).getTime() - Date.now()) / 86_400_000;
    expect(await second.secureContext("a.test")).toBeDefined();
    expect(validDays()).toBeLessThan(6);
    await eventually(() => renewing.calls() === 1 && validDays() > 60, 10_000);
  });

  it("does not hammer the CA after a failure", async () => {
    const dir = tempDir();
    const failing = fakeCa(dir, { fail: true });
    const manager = new AcmeCertManager({
      logger,
      cacheDir: join(dir, "cache"),
      directoryUrl: "",
      hosts: ["a.test"],
      challenges: ["http-01"],
      clientFactory: () => failing.client,
    });
    expect(await manager.secureContext("a.test")).toBeUndefined();
    expect(await manager.secureContext("a.test")).toBeUndefined();
    expect(failing.calls()).toBe(1);
  });

  it("answers HTTP-01 tokens only while the challenge is pending", async () => {
    const dir = tempDir();
    let seen: string | undefined;
    const manager = new AcmeCertManager({
      logger,
      cacheDir: join(dir, "cache"),
      directoryUrl: "",
      hosts: ["a.test"],
      challenges: ["http-01"],
      clientFactory: () => ({
        async auto(options) {
          const challenge = { type: "http-01", token: "tok" } as Parameters<
            acme.ClientAutoOptions["challengeCreateFn"]
          >[1];
          const authz = { identifier: { value: "a.test" } } as acme.Authorization;
          await options.challengeCreateFn(authz, challenge, "tok.auth");
          seen = manager.httpChallenge("tok");
          await options.challengeRemoveFn(authz, challenge, "tok.auth");
          throw new Error("stop here");
        },
      }),
    });
    await manager.secureContext("a.test");
    expect(seen).toBe("tok.auth");
    expect(manager.httpChallenge("tok")).toBeUndefined();
  });
});
