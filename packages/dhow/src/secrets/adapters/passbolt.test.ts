import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError } from "../../errors.js";

const VERSION = { args: ["--version"], respond: { stdout: "passbolt version 0.3.2\n" } };
const VERIFY = { args: ["verify"], respond: { stdout: "Verify success\n" } };
const MY_PROJECT = "dcbe0e39-42d8-42db-9637-8256b9f2f8e3";
const OTHER_PROJECT = "14e11dd8-b279-4689-8bd9-fa33ebb527da";
const SUBFOLDER = "6a3f21fc-aa40-4ba9-852c-7477fdd0310d";
const folder = (id: string, name: string, parent = "") => ({ id, folder_parent_id: parent, name });
const resource = (name: string, password: string, parent = "") => ({
  id: `id-${name}`,
  folder_parent_id: parent,
  name,
  password,
});
const json = (value: unknown) => ({ stdout: JSON.stringify(value) });
const THREE = { SECRET1: "secret1", FSECRET1: "fsecret1", FSECRET2: "fsecret2" };
const threeIn = (parent: string) =>
  json([
    resource("FSECRET1", "fsecret1", parent),
    resource("FSECRET2", "fsecret2", parent),
    resource("SECRET1", "secret1", parent),
  ]);
const inFolder = (names: string[], id: string) =>
  names.map((n) => `(Name == "${n}" && FolderParentID == "${id}")`).join(" || ");

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("passbolt adapter", () => {
  it("filters root-level resources by name", () => {
    fake = fakeCli({
      passbolt: [
        VERSION,
        VERIFY,
        {
          args: [
            "list",
            "resources",
            "--filter",
            'Name == "SECRET1" || Name == "FSECRET1" || Name == "FSECRET2"',
            "--json",
          ],
          respond: threeIn(""),
        },
      ],
    });
    expect(fetchWith("passbolt", { secrets: ["SECRET1", "FSECRET1", "FSECRET2"] }, fake)).toEqual(THREE);
    expect(fake.commandLines().slice(0, 2)).toEqual(["passbolt --version", "passbolt verify"]);
  });

  it("looks up the --from folder and filters by its id", () => {
    const rules = [
      VERSION,
      VERIFY,
      {
        args: ["list", "folders", "--filter", 'Name == "my-project"', "--json"],
        respond: json([folder(MY_PROJECT, "my-project")]),
      },
      {
        args: [
          "list",
          "resources",
          "--filter",
          inFolder(["SECRET1", "FSECRET1", "FSECRET2"], MY_PROJECT),
          "--folder",
          MY_PROJECT,
          "--json",
        ],
        respond: threeIn(MY_PROJECT),
      },
    ];
    fake = fakeCli({ passbolt: rules });
    expect(fetchWith("passbolt", { from: "my-project", secrets: ["SECRET1", "FSECRET1", "FSECRET2"] }, fake)).toEqual(
      THREE,
    );
    expect(
      fetchWith("passbolt", { secrets: ["my-project/SECRET1", "my-project/FSECRET1", "my-project/FSECRET2"] }, fake),
    ).toEqual(THREE);
  });

  it("handles several folders and nested folders", () => {
    fake = fakeCli({
      passbolt: [
        VERSION,
        VERIFY,
        {
          args: ["list", "folders", "--filter", 'Name == "my-project" || Name == "other-project"', "--json"],
          respond: json([folder(MY_PROJECT, "my-project"), folder(OTHER_PROJECT, "other-project")]),
        },
        {
          args: [
            "list",
            "resources",
            "--filter",
            `${inFolder(["SECRET1", "FSECRET1"], MY_PROJECT)} || ${inFolder(["FSECRET2"], OTHER_PROJECT)}`,
            "--folder",
            MY_PROJECT,
            "--folder",
            OTHER_PROJECT,
            "--json",
          ],
          respond: threeIn(MY_PROJECT),
        },
        {
          args: ["list", "folders", "--filter", 'Name == "my-project"', "--json"],
          respond: json([folder(MY_PROJECT, "my-project")]),
        },
        {
          args: ["list", "folders", "--filter", `Name == "subfolder" && FolderParentID == "${MY_PROJECT}"`, "--json"],
          respond: json([folder(SUBFOLDER, "subfolder", MY_PROJECT)]),
        },
        {
          args: [
            "list",
            "resources",
            "--filter",
            inFolder(["SECRET1", "FSECRET1", "FSECRET2"], SUBFOLDER),
            "--folder",
            MY_PROJECT,
            "--folder",
            SUBFOLDER,
            "--json",
          ],
          respond: threeIn(SUBFOLDER),
        },
      ],
    });
    expect(
      fetchWith("passbolt", { secrets: ["my-project/SECRET1", "my-project/FSECRET1", "other-project/FSECRET2"] }, fake),
    ).toEqual(THREE);
    expect(
      fetchWith("passbolt", { from: "my-project/subfolder", secrets: ["SECRET1", "FSECRET1", "FSECRET2"] }, fake),
    ).toEqual(THREE);
  });

  it("has Kamal's errors", () => {
    fake = fakeCli({
      passbolt: [
        VERSION,
        VERIFY,
        {
          args: ["list", "resources", "--filter", 'Name == "A" || Name == "B"', "--json"],
          respond: json([resource("A", "a")]),
        },
        { args: ["list", "folders", "--filter", 'Name == "nope"', "--json"], respond: json([]) },
      ],
    });
    expect(() => fetchWith("passbolt", { secrets: [] }, fake!)).toThrow("No secrets given to fetch");
    expect(() => fetchWith("passbolt", { secrets: ["A", "B"] }, fake!)).toThrow(
      "Could not find the following secrets in Passbolt: B",
    );
    expect(() => fetchWith("passbolt", { secrets: ["nope/A"] }, fake!)).toThrow(
      "Could not find the following folders in Passbolt: nope",
    );
    fake.cleanup();
    fake = fakeCli({ passbolt: [VERSION, { args: ["verify"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("passbolt", { secrets: ["A"] }, fake!)).toThrow("Failed to login to Passbolt");
    fake.cleanup();
    fake = fakeCli({ passbolt: [{ args: ["--version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("passbolt", { secrets: ["A"] }, fake!)).toThrow(
      new MissingToolError("Passbolt CLI is not installed"),
    );
  });
});
