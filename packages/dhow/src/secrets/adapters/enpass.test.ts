import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError } from "../../errors.js";

const VERSION = { args: ["version"], respond: { stdout: "v1.6.0\n" } };
const entry = (title: string, label: string, password: string) => ({
  category: "computer",
  label,
  login: "",
  password,
  title,
  type: "password",
});
const FOOBAR = {
  stdout: `${JSON.stringify([
    entry("FooBar", "SECRET_1", "my-password-1"),
    entry("FooBar", "SECRET_2", "my-password-2"),
    entry("Hello", "SECRET_3", "my-password-1"),
    entry("FooBar", "", "my-password-3"),
    entry("FooBar", "EMPTY", " "),
  ])}\n`,
};

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("enpass adapter (enpass-cli)", () => {
  it("shows the items once and keeps the requested title/label pairs", () => {
    fake = fakeCli({
      "enpass-cli": [VERSION, { args: ["-json", "-vault", "vault-path", "show", "FooBar"], respond: FOOBAR }],
    });
    expect(fetchWith("enpass", { from: "vault-path", secrets: ["FooBar/SECRET_1", "FooBar/SECRET_2"] }, fake)).toEqual({
      "FooBar/SECRET_1": "my-password-1",
      "FooBar/SECRET_2": "my-password-2",
    });
    expect(fake.commandLines()).toEqual(["enpass-cli version", "enpass-cli -json -vault vault-path show FooBar"]);
  });

  it("returns every non-blank password of a bare title (title alone for an unlabelled one)", () => {
    fake = fakeCli({
      "enpass-cli": [VERSION, { args: ["-json", "-vault", "vault-path", "show", "FooBar"], respond: FOOBAR }],
    });
    expect(fetchWith("enpass", { from: "vault-path", secrets: ["FooBar"] }, fake)).toEqual({
      "FooBar/SECRET_1": "my-password-1",
      "FooBar/SECRET_2": "my-password-2",
      FooBar: "my-password-3",
    });
  });

  it("rejects duplicates, and needs the CLI and the vault path", () => {
    fake = fakeCli({
      "enpass-cli": [
        VERSION,
        {
          args: ["-json", "-vault", "v", "show", "A"],
          respond: { stdout: JSON.stringify([entry("A", "X", "1"), entry("A", "X", "2")]) },
        },
      ],
    });
    expect(() => fetchWith("enpass", { from: "v", secrets: ["A"] }, fake!)).toThrow("A/X is present more than once");
    expect(() => fetchWith("enpass", { secrets: ["A"] }, fake!)).toThrow("--from <vault path>");
    fake.cleanup();
    fake = fakeCli({ "enpass-cli": [{ args: ["version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("enpass", { from: "v", secrets: ["mynote"] }, fake!)).toThrow(
      new MissingToolError("Enpass CLI is not installed"),
    );
  });
});
