import { describe, expect, it } from "vitest";
import { localRunner } from "../../remote/local.js";
import { fetchFromVault } from "./adapter.js";
import { ADAPTERS, camelize, lookupAdapter } from "./lookup-adapter.js";

describe("lookupAdapter", () => {
  it.each([
    ["1password", "OnePassword"],
    ["1Password", "OnePassword"],
    ["one_password", "OnePassword"],
    ["onePassword", "OnePassword"],
    ["bitwarden", "Bitwarden"],
    ["bitwarden-sm", "BitwardenSecretsManager"],
    ["BITWARDEN-SM", "BitwardenSecretsManager"],
    ["bitwarden_secrets_manager", "BitwardenSecretsManager"],
    ["lastpass", "LastPass"],
    ["last_pass", "LastPass"],
    ["aws_secrets_manager", "AwsSecretsManager"],
    ["gcp", "GcpSecretManager"],
    ["gcp_secret_manager", "GcpSecretManager"],
    ["doppler", "Doppler"],
    ["enpass", "Enpass"],
    ["passbolt", "Passbolt"],
    ["test", "Test"],
  ])("%s → %s", (name, className) => {
    expect(lookupAdapter(name)).toBe(ADAPTERS[className]);
  });

  it("rejects unknown names with Kamal's message (after alias mapping)", () => {
    expect(() => lookupAdapter("vault")).toThrow("Unknown secrets adapter: vault");
    expect(() => lookupAdapter("one-password")).toThrow("Unknown secrets adapter: one-password");
    expect(() => lookupAdapter("BITWARDEN")).toThrow("Unknown secrets adapter: BITWARDEN");
    expect(() => lookupAdapter("constructor")).toThrow("Unknown secrets adapter: constructor");
  });

  it("camelizes like ActiveSupport", () => {
    expect(camelize("aws_SECRETS_manager")).toBe("AwsSecretsManager");
    expect(camelize("gcp_secret_manager")).toBe("GcpSecretManager");
  });

  it("marks which adapters need --account, as Kamal's table", () => {
    const required = Object.entries(ADAPTERS)
      .filter(([, adapter]) => adapter.requiresAccount)
      .map(([name]) => name)
      .sort();
    expect(required).toEqual(["Bitwarden", "GcpSecretManager", "LastPass", "OnePassword", "Test"]);
  });
});

describe("test adapter", () => {
  it("returns each name reversed (by character), prefixed with --from", () => {
    const context = { runner: localRunner, env: {} };
    expect([
      ...fetchFromVault(lookupAdapter("test"), { account: "a", secrets: ["INTERPOLATED_中文", "X()"] }, context),
    ]).toEqual([
      ["INTERPOLATED_中文", "文中_DETALOPRETNI"],
      ["X()", ")(X"],
    ]);
    expect([...fetchFromVault(lookupAdapter("test"), { account: "a", from: "f", secrets: ["ab"] }, context)]).toEqual([
      ["f/ab", "ba/f"],
    ]);
    expect(() => fetchFromVault(lookupAdapter("test"), { secrets: ["ab"] }, context)).toThrow(
      "Missing required option '--account'",
    );
    expect(() => fetchFromVault(lookupAdapter("test"), { account: "  ", secrets: ["ab"] }, context)).toThrow(
      "Missing required option '--account'",
    );
  });
});
