/**
 * A custom TLS certificate (Kamal: main_test "deploy with a custom certificate"): the PEMs come from the
 * secrets, are uploaded to the proxy's apps-config, and the proxy serves HTTPS with them for the host;
 * plain HTTP is redirected to HTTPS.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { exec } from "./lib/exec.js";
import { request } from "./lib/http.js";
import type { Scenario } from "./lib/scenario.js";

const HOST = "secure.example.test";

const scenario: Scenario = {
  name: "custom-tls",
  description:
    "proxy ssl with certificate_pem/private_key_pem from secrets: HTTPS with that certificate, HTTP redirects",
  hosts: 1,
  async run(t) {
    const [vm1] = t.hosts as [string];
    const app = await t.app("app_with_custom_certificate");

    await t.step("make a self-signed certificate for the host", async () => {
      mkdirSync(join(app.dir, "certs"));
      const result = await exec(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-subj",
          `/CN=${HOST}`,
          "-addext",
          `subjectAltName=DNS:${HOST}`,
          "-keyout",
          "certs/key.pem",
          "-out",
          "certs/cert.pem",
        ],
        { cwd: app.dir, timeoutMs: 60_000 },
      );
      check(result.code === 0, `openssl failed: ${result.stderr}`);
    });
    await t.step("dhow setup", () => app.dhow(["setup"]));

    await t.step("the certificate and key are on the server", async () => {
      const cert = await t.sandbox.readFile(vm1, ".kamal/proxy/apps-config/app_tls/tls/web/cert.pem");
      expectEqual(cert.trim(), app.readFile("certs/cert.pem").trim(), "uploaded cert.pem");
      // Kamal uploads both 0644: the proxy runs as its own user and must read them
      const key = await t.sandbox.readFile(vm1, ".kamal/proxy/apps-config/app_tls/tls/web/key.pem");
      expectEqual(key.trim(), app.readFile("certs/key.pem").trim(), "uploaded key.pem");
    });

    await t.step("HTTPS with SNI serves the app with that certificate", async () => {
      const res = await request(vm1, "/version", { https: true, host: HOST });
      expectEqual(res.status, 200, "HTTPS status");
      expectEqual(res.body.trim(), "v1", "HTTPS body");
      expectEqual(res.certificate?.subject, HOST, "certificate subject CN");
      expectMatch(res.certificate?.altNames ?? "", `DNS:${HOST}`, "certificate SANs");
    });

    await t.step("HTTP redirects to HTTPS", async () => {
      const res = await request(vm1, "/version", { host: HOST });
      check([301, 302, 307, 308].includes(res.status), `HTTP answered ${res.status}, expected a redirect`);
      expectMatch(String(res.headers.location ?? ""), `https://${HOST}/version`, "redirect Location");
    });
  },
};

export default scenario;
