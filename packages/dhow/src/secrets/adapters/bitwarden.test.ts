import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError, SecretsError } from "../../errors.js";

const status = (value: string) => ({ stdout: JSON.stringify({ serverUrl: null, status: value }) });
const item = (name: string, extra: Record<string, unknown>) => ({
  stdout: JSON.stringify({ object: "item", id: "aaaa", name, type: 1, ...extra }),
});
const fields = (pairs: Record<string, string>) =>
  Object.entries(pairs).map(([name, value]) => ({ name, value, type: 1 }));
const VERSION = { args: ["--version"], respond: { stdout: "2024.9.0\n" } };
const UNLOCKED = { args: ["status"], respond: status("unlocked") };
const SYNC = { args: ["sync"], respond: { stdout: "Syncing complete.\n" } };
const MYPASSWORD = {
  args: ["get", "item", "mypassword"],
  respond: item("mypassword", { login: { username: null, password: "secret123" } }),
};
const MYITEM = {
  args: ["get", "item", "myitem"],
  respond: item("myitem", {
    fields: fields({ field1: "secret1", field2: "blam", field3: "fewgrwjgk", field4: "auto" }),
    login: { password: null },
  }),
};

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

function bitwarden(rules: Parameters<typeof fakeCli>[0]["bw"]) {
  fake = fakeCli({ bw: rules }, { recordEnv: ["BW_SESSION"] });
  return fake;
}

describe("bitwarden adapter (bw)", () => {
  it("fetches a login item's password, after status and sync", () => {
    bitwarden([VERSION, UNLOCKED, SYNC, MYPASSWORD]);
    expect(fetchWith("bitwarden", { account: "email@example.com", secrets: ["mypassword"] }, fake!)).toEqual({
      mypassword: "secret123",
    });
    expect(fake!.commandLines()).toEqual(["bw --version", "bw status", "bw sync", "bw get item mypassword"]);
  });

  it("fetches item/field pairs with --from, one `bw get item` per item", () => {
    bitwarden([VERSION, UNLOCKED, SYNC, MYITEM]);
    const results = fetchWith(
      "bitwarden",
      { account: "email@example.com", from: "myitem", secrets: ["field1", "field2", "field3"] },
      fake!,
    );
    expect(results).toEqual({ "myitem/field1": "secret1", "myitem/field2": "blam", "myitem/field3": "fewgrwjgk" });
    expect(fake!.commandLines().filter((line) => line.includes("get item"))).toEqual(["bw get item myitem"]);
  });

  it("fetches all custom fields of a non-login item", () => {
    bitwarden([
      VERSION,
      UNLOCKED,
      SYNC,
      {
        args: ["get", "item", "mynotefields"],
        respond: item("noteitem", { type: 2, fields: fields({ field1: "secret1", field2: "blam" }) }),
      },
    ]);
    expect(fetchWith("bitwarden", { account: "email@example.com", secrets: ["mynotefields"] }, fake!)).toEqual({
      "mynotefields/field1": "secret1",
      "mynotefields/field2": "blam",
    });
  });

  it("mixes items and fields", () => {
    bitwarden([
      VERSION,
      UNLOCKED,
      SYNC,
      MYPASSWORD,
      MYITEM,
      { args: ["get", "item", "myitem2"], respond: item("myitem2", { fields: fields({ field3: "fewgrwjgk" }) }) },
    ]);
    const results = fetchWith(
      "bitwarden",
      { account: "email@example.com", secrets: ["mypassword", "myitem/field1", "myitem/field2", "myitem2/field3"] },
      fake!,
    );
    expect(results).toEqual({
      mypassword: "secret123",
      "myitem/field1": "secret1",
      "myitem/field2": "blam",
      "myitem2/field3": "fewgrwjgk",
    });
  });

  it("rejects a note without fields, and a missing field", () => {
    bitwarden([
      VERSION,
      UNLOCKED,
      SYNC,
      { args: ["get", "item", "mynote"], respond: item("noteitem", { type: 2, notes: "NOTES" }) },
      MYITEM,
    ]);
    expect(() => fetchWith("bitwarden", { account: "e", secrets: ["mynote"] }, fake!)).toThrow(
      "Item mynote is not a login type item and no fields were specified",
    );
    expect(() => fetchWith("bitwarden", { account: "e", secrets: ["myitem/nope"] }, fake!)).toThrow(
      "Could not find field nope in item myitem in Bitwarden",
    );
  });

  it("logs in when unauthenticated and unlocks when locked (no session printed)", () => {
    bitwarden([
      VERSION,
      { args: ["status"], respond: [status("unauthenticated"), status("locked"), status("unlocked")] },
      { args: ["login", "email@example.com"], respond: { stdout: "You are logged in!" } },
      { args: ["unlock", "--raw"], respond: { stdout: "" } },
      SYNC,
      MYPASSWORD,
    ]);
    expect(fetchWith("bitwarden", { account: "email@example.com", secrets: ["mypassword"] }, fake!)).toEqual({
      mypassword: "secret123",
    });
    expect(fake!.commandLines()).toEqual([
      "bw --version",
      "bw status",
      "bw login email@example.com",
      "bw status",
      "bw unlock --raw",
      "bw status",
      "bw sync",
      "bw get item mypassword",
    ]);
  });

  it("uses the session from `bw unlock --raw` as BW_SESSION for the following calls", () => {
    bitwarden([
      VERSION,
      { args: ["status"], respond: [status("locked"), status("unlocked")] },
      { args: ["unlock", "--raw"], respond: { stdout: "0987654321\n" } },
      SYNC,
      MYPASSWORD,
    ]);
    expect(fetchWith("bitwarden", { account: "email@example.com", secrets: ["mypassword"] }, fake!)).toEqual({
      mypassword: "secret123",
    });
    expect(fake!.commandLines()).toEqual([
      "bw --version",
      "bw status",
      "bw unlock --raw",
      "BW_SESSION=0987654321 bw status",
      "BW_SESSION=0987654321 bw sync",
      "BW_SESSION=0987654321 bw get item mypassword",
    ]);
  });

  it("fails when still locked, when sync fails, and when an item cannot be read", () => {
    bitwarden([
      VERSION,
      { args: ["status"], respond: status("locked") },
      { args: ["unlock", "--raw"], respond: { exitCode: 1 } },
    ]);
    expect(() => fetchWith("bitwarden", { account: "e", secrets: ["x"] }, fake!)).toThrow(
      new SecretsError("Failed to login to and unlock Bitwarden"),
    );
    fake!.cleanup();
    bitwarden([VERSION, UNLOCKED, { args: ["sync"], respond: { exitCode: 1 } }]);
    expect(() => fetchWith("bitwarden", { account: "e", secrets: ["x"] }, fake!)).toThrow("Failed to sync Bitwarden");
    fake!.cleanup();
    bitwarden([VERSION, UNLOCKED, SYNC, { args: ["get", "item", "x"], respond: { exitCode: 1 } }]);
    expect(() => fetchWith("bitwarden", { account: "e", secrets: ["x"] }, fake!)).toThrow(
      "Could not read x from Bitwarden",
    );
  });

  it("reports a missing CLI and a missing account", () => {
    bitwarden([{ args: ["--version"], respond: { exitCode: 1 } }]);
    expect(() => fetchWith("bitwarden", { account: "e", secrets: ["x"] }, fake!)).toThrow(
      new MissingToolError("Bitwarden CLI is not installed"),
    );
    expect(() => fetchWith("bitwarden", { secrets: ["x"] }, fake!)).toThrow("Missing required option '--account'");
  });
});
