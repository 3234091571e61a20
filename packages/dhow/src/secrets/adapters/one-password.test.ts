import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError, SecretsError } from "../../errors.js";

const field = (vaultItem: string, section: string, label: string, value: string) => ({
  id: "aaaa",
  section: { id: "cccc", label: section },
  type: "CONCEALED",
  label,
  value,
  reference: `op://${vaultItem}/${section}/${label}`,
});
const json = (value: unknown) => ({ stdout: JSON.stringify(value, null, 2) });
const VERSION = { args: ["--version"], respond: { stdout: "2.30.0\n" } };
const SIGNED_IN = { args: ["account", "get", "--account", "myaccount"] };
const ITEM_GET = ["item", "get", "myitem", "--vault", "myvault", "--format", "json", "--account", "myaccount"];

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("1password adapter (op)", () => {
  it("fetches several fields of one item with one `op item get --fields`", () => {
    fake = fakeCli({
      op: [
        VERSION,
        SIGNED_IN,
        {
          args: [...ITEM_GET, "--fields", "label=section.SECRET1,label=section.SECRET2,label=section2.SECRET3"],
          respond: json([
            field("myvault/myitem", "section", "SECRET1", "VALUE1"),
            field("myvault/myitem", "section", "SECRET2", "VALUE2"),
            field("myvault/myitem", "section2", "SECRET3", "VALUE3"),
          ]),
        },
      ],
    });
    const results = fetchWith(
      "1password",
      {
        account: "myaccount",
        from: "op://myvault/myitem",
        secrets: ["section/SECRET1", "section/SECRET2", "section2/SECRET3"],
      },
      fake,
    );
    expect(results).toEqual({
      "myvault/myitem/section/SECRET1": "VALUE1",
      "myvault/myitem/section/SECRET2": "VALUE2",
      "myvault/myitem/section2/SECRET3": "VALUE3",
    });
    expect(fake.commandLines()).toEqual([
      "op --version",
      "op account get --account myaccount",
      "op item get myitem --vault myvault --format json --account myaccount --fields label=section.SECRET1,label=section.SECRET2,label=section2.SECRET3",
    ]);
  });

  it("groups by item when --from is only a vault (one field → a single object)", () => {
    fake = fakeCli({
      op: [
        VERSION,
        SIGNED_IN,
        {
          args: [...ITEM_GET, "--fields", "label=section.SECRET1,label=section.SECRET2"],
          respond: json([
            field("myvault/myitem", "section", "SECRET1", "VALUE1"),
            field("myvault/myitem", "section", "SECRET2", "VALUE2"),
          ]),
        },
        {
          args: [
            "item",
            "get",
            "myitem2",
            "--vault",
            "myvault",
            "--format",
            "json",
            "--account",
            "myaccount",
            "--fields",
            "label=section2.SECRET3",
          ],
          respond: json(field("myvault/myitem2", "section", "SECRET3", "VALUE3")),
        },
      ],
    });
    const results = fetchWith(
      "one_password",
      {
        account: "myaccount",
        from: "op://myvault",
        secrets: ["myitem/section/SECRET1", "myitem/section/SECRET2", "myitem2/section2/SECRET3"],
      },
      fake,
    );
    expect(results).toEqual({
      "myvault/myitem/section/SECRET1": "VALUE1",
      "myvault/myitem/section/SECRET2": "VALUE2",
      "myvault/myitem2/section/SECRET3": "VALUE3",
    });
  });

  it("fetches every field of the --from item when no secrets are named", () => {
    fake = fakeCli({
      op: [
        VERSION,
        SIGNED_IN,
        {
          args: ITEM_GET,
          respond: json({
            id: "ucbtiii777",
            title: "A title",
            fields: [
              field("myvault/myitem", "section", "SECRET1", "VALUE1"),
              field("myvault/myitem", "section", "SECRET2", "VALUE2"),
            ],
          }),
        },
      ],
    });
    expect(fetchWith("1password", { account: "myaccount", from: "op://myvault/myitem", secrets: [] }, fake)).toEqual({
      "myvault/myitem/section/SECRET1": "VALUE1",
      "myvault/myitem/section/SECRET2": "VALUE2",
    });
  });

  it("defaults a bare vault/item to its password field and drops /password from the key", () => {
    fake = fakeCli({
      op: [
        VERSION,
        SIGNED_IN,
        {
          args: [...ITEM_GET, "--fields", "label=password"],
          respond: json({ label: "password", value: "hunter2", reference: "op://myvault/myitem/password" }),
        },
      ],
    });
    expect(fetchWith("1password", { account: "myaccount", secrets: ["myvault/myitem"] }, fake)).toEqual({
      "myvault/myitem": "hunter2",
    });
  });

  it("signs in with `op signin --force --raw` and passes an empty session on as nothing", () => {
    fake = fakeCli({
      op: [
        VERSION,
        { args: ["account", "get", "--account", "myaccount"], respond: { exitCode: 1 } },
        { args: ["signin", "--account", "myaccount", "--force", "--raw"], respond: { stdout: "" } },
        {
          args: [...ITEM_GET, "--fields", "label=section.SECRET1"],
          respond: json(field("myvault/myitem", "section", "SECRET1", "VALUE1")),
        },
      ],
    });
    const results = fetchWith(
      "1password",
      { account: "myaccount", from: "op://myvault/myitem", secrets: ["section/SECRET1"] },
      fake,
    );
    expect(results).toEqual({ "myvault/myitem/section/SECRET1": "VALUE1" });
    expect(fake.commandLines()[2]).toBe("op signin --account myaccount --force --raw");
  });

  it("passes the session printed by `op signin --raw` as --session", () => {
    fake = fakeCli({
      op: [
        VERSION,
        { args: ["account", "get", "--account", "myaccount"], respond: { exitCode: 1 } },
        { args: ["signin", "--account", "myaccount", "--force", "--raw"], respond: { stdout: "1234567890\n" } },
        {
          args: [...ITEM_GET, "--session", "1234567890", "--fields", "label=section.SECRET1"],
          respond: json(field("myvault/myitem", "section", "SECRET1", "VALUE1")),
        },
      ],
    });
    const results = fetchWith(
      "1password",
      { account: "myaccount", from: "op://myvault/myitem", secrets: ["section/SECRET1"] },
      fake,
    );
    expect(results).toEqual({ "myvault/myitem/section/SECRET1": "VALUE1" });
  });

  it("fails when the sign-in fails", () => {
    fake = fakeCli({
      op: [
        VERSION,
        { args: ["account", "get", "--account", "myaccount"], respond: { exitCode: 1 } },
        { args: ["signin", "--account", "myaccount", "--force", "--raw"], respond: { exitCode: 1 } },
      ],
    });
    expect(() => fetchWith("1password", { account: "myaccount", secrets: ["v/i/f"] }, fake!)).toThrow(
      new SecretsError("Failed to login to 1Password"),
    );
  });

  it("names the fields, item and vault when `op item get` fails", () => {
    fake = fakeCli({
      op: [
        VERSION,
        SIGNED_IN,
        { args: [...ITEM_GET, "--fields", "label=s.A,label=B"], respond: { exitCode: 1, stderr: "not found" } },
      ],
    });
    expect(() =>
      fetchWith("1password", { account: "myaccount", secrets: ["myvault/myitem/s/A", "myvault/myitem/B"] }, fake!),
    ).toThrow("Could not read s.A, B from myitem in the myvault 1Password vault");
  });

  it("reports a missing CLI (version probe failing or not on PATH)", () => {
    fake = fakeCli({ op: [{ args: ["--version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("1password", { account: "a", secrets: ["v/i/f"] }, fake!)).toThrow(
      new MissingToolError("1Password CLI is not installed"),
    );
    fake.cleanup();
    fake = fakeCli({});
    expect(() => fetchWith("1password", { account: "a", secrets: ["v/i/f"] }, fake!)).toThrow(MissingToolError);
  });

  it("requires --account before running anything", () => {
    fake = fakeCli({ op: [VERSION] });
    expect(() => fetchWith("1password", { secrets: ["v/i/f"] }, fake!)).toThrow(
      new SecretsError("Missing required option '--account'"),
    );
    expect(fake.calls()).toEqual([]);
  });
});
