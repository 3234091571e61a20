import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError } from "../../errors.js";

const VERSION = { args: ["--version"], respond: { stdout: "bws 1.0.0\n" } };
const LOGIN = { args: ["project", "list"], respond: { stdout: "[]" } };
const PROJECT = "82aeb5bd-6958-4a89-8197-eacab758acce";
const OTHER = "6f8cdf27-de2b-4c77-a35d-07df8050e332";
const LIST = [
  { key: "KAMAL_REGISTRY_PASSWORD", value: "some_password" },
  { key: "MY_OTHER_SECRET", value: 'my=wierd"secret' },
];

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("bitwarden-sm adapter (bws)", () => {
  it("lists all secrets for `all` (no account needed)", () => {
    fake = fakeCli({ bws: [VERSION, LOGIN, { args: ["secret", "list"], respond: { stdout: JSON.stringify(LIST) } }] });
    expect(fetchWith("bitwarden-sm", { secrets: ["all"] }, fake)).toEqual({
      KAMAL_REGISTRY_PASSWORD: "some_password",
      MY_OTHER_SECRET: 'my=wierd"secret',
    });
    expect(fake.commandLines()).toEqual(["bws --version", "bws project list", "bws secret list"]);
  });

  it("lists a project's secrets for `all --from <project>` and `<project>/all`", () => {
    fake = fakeCli({
      bws: [VERSION, LOGIN, { args: ["secret", "list", PROJECT], respond: { stdout: JSON.stringify(LIST) } }],
    });
    expect(fetchWith("bitwarden_secrets_manager", { secrets: ["all"], from: PROJECT }, fake)).toEqual({
      KAMAL_REGISTRY_PASSWORD: "some_password",
      MY_OTHER_SECRET: 'my=wierd"secret',
    });
    expect(Object.keys(fetchWith("bitwarden-sm", { secrets: [`${PROJECT}/all`] }, fake))).toHaveLength(2);
  });

  it("gets secrets by UUID, keeping line breaks in values", () => {
    fake = fakeCli({
      bws: [
        VERSION,
        LOGIN,
        { args: ["secret", "get", PROJECT], respond: { stdout: JSON.stringify({ key: "SSH_KEY", value: "a\nb" }) } },
        { args: ["secret", "get", OTHER], respond: { stdout: JSON.stringify({ key: "OTHER", value: "x" }) } },
      ],
    });
    expect(fetchWith("bitwarden-sm", { secrets: [PROJECT, OTHER] }, fake)).toEqual({ SSH_KEY: "a\nb", OTHER: "x" });
  });

  it("has Kamal's errors", () => {
    fake = fakeCli({
      bws: [
        VERSION,
        LOGIN,
        { args: ["secret", "list"], respond: { exitCode: 1, stdout: "Error:\n0: Received error message from server" } },
        { args: ["secret", "get", PROJECT], respond: { exitCode: 1 } },
      ],
    });
    expect(() => fetchWith("bitwarden-sm", { secrets: [] }, fake!)).toThrow(
      "You must specify what to retrieve from Bitwarden Secrets Manager",
    );
    expect(() => fetchWith("bitwarden-sm", { secrets: ["all"] }, fake!)).toThrow(
      "Could not read secrets from Bitwarden Secrets Manager",
    );
    expect(() => fetchWith("bitwarden-sm", { secrets: [PROJECT] }, fake!)).toThrow(
      `Could not read ${PROJECT} from Bitwarden Secrets Manager`,
    );
    fake.cleanup();
    fake = fakeCli({ bws: [VERSION, { args: ["project", "list"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("bitwarden-sm", { secrets: ["all"] }, fake!)).toThrow(
      "Could not authenticate to Bitwarden Secrets Manager. Did you set a valid access token?",
    );
    fake.cleanup();
    fake = fakeCli({ bws: [{ args: ["--version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("bitwarden-sm", { secrets: [] }, fake!)).toThrow(
      new MissingToolError("Bitwarden Secrets Manager CLI is not installed"),
    );
  });
});
