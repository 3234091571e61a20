import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError } from "../../errors.js";

const entry = (fullname: string, password: string) => ({
  id: "1234567891234567891",
  name: fullname.split("/").at(-1),
  fullname,
  username: "",
  password,
  group: "",
});
const VERSION = { args: ["--version"], respond: { stdout: "LastPass CLI v1.3.7\n" } };
const LOGGED_IN = { args: ["status", "--color", "never"], respond: { stdout: "Logged in as email@example.com.\n" } };

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("lastpass adapter (lpass)", () => {
  it("shows all secrets in one `lpass show … --json`, keyed by full name", () => {
    fake = fakeCli({
      lpass: [
        VERSION,
        LOGGED_IN,
        {
          args: ["show", "SECRET1", "FOLDER1/FSECRET1", "FOLDER1/FSECRET2", "--json"],
          respond: {
            stdout: JSON.stringify([
              entry("SECRET1", "secret1"),
              entry("FOLDER1/FSECRET1", "fsecret1"),
              entry("FOLDER1/FSECRET2", "fsecret2"),
            ]),
          },
        },
      ],
    });
    const results = fetchWith(
      "lastpass",
      { account: "email@example.com", secrets: ["SECRET1", "FOLDER1/FSECRET1", "FOLDER1/FSECRET2"] },
      fake,
    );
    expect(results).toEqual({ SECRET1: "secret1", "FOLDER1/FSECRET1": "fsecret1", "FOLDER1/FSECRET2": "fsecret2" });
    expect(fake.commandLines()).toEqual([
      "lpass --version",
      "lpass status --color never",
      "lpass show SECRET1 FOLDER1/FSECRET1 FOLDER1/FSECRET2 --json",
    ]);
  });

  it("prefixes --from and logs in when the status names another user", () => {
    fake = fakeCli({
      lpass: [
        VERSION,
        { args: ["status", "--color", "never"], respond: { stdout: "Not logged in.\n", exitCode: 1 } },
        { args: ["login", "email@example.com"], respond: { stdout: "" } },
        {
          args: ["show", "FOLDER1/FSECRET1", "--json"],
          respond: { stdout: JSON.stringify([entry("FOLDER1/FSECRET1", "fsecret1")]) },
        },
      ],
    });
    expect(
      fetchWith("last_pass", { account: "email@example.com", from: "FOLDER1", secrets: ["FSECRET1"] }, fake),
    ).toEqual({ "FOLDER1/FSECRET1": "fsecret1" });
    expect(fake.commandLines()).toContain("lpass login email@example.com");
  });

  it("has Kamal's errors", () => {
    fake = fakeCli({
      lpass: [
        VERSION,
        LOGGED_IN,
        { args: ["show", "A", "B", "--json"], respond: { exitCode: 1 } },
        { args: ["show", "A", "C", "--json"], respond: { stdout: JSON.stringify([entry("A", "a")]) } },
      ],
    });
    expect(() => fetchWith("lastpass", { account: "email@example.com", secrets: ["A", "B"] }, fake!)).toThrow(
      'Could not read ["A", "B"] from LastPass',
    );
    expect(() => fetchWith("lastpass", { account: "email@example.com", secrets: ["A", "C"] }, fake!)).toThrow(
      "Could not find C in LastPass",
    );
    fake.cleanup();
    fake = fakeCli({
      lpass: [
        VERSION,
        { args: ["status", "--color", "never"], respond: { stdout: "Not logged in." } },
        { args: ["login", "email@example.com"], respond: { exitCode: 1 } },
      ],
    });
    expect(() => fetchWith("lastpass", { account: "email@example.com", secrets: ["A"] }, fake!)).toThrow(
      "Failed to login to LastPass",
    );
    fake.cleanup();
    fake = fakeCli({ lpass: [{ args: ["--version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("lastpass", { account: "e", secrets: ["A"] }, fake!)).toThrow(
      new MissingToolError("LastPass CLI is not installed"),
    );
  });
});
