import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError } from "../../errors.js";

const VERSION = { args: ["--version"], respond: { stdout: "v3.69.0\n" } };
const ME = { args: ["me", "--json"], respond: { stdout: '{"name":"me"}' } };
const computed = (values: Record<string, string>) => ({
  stdout: JSON.stringify(
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, { computed: v, computedVisibility: "unmasked", note: "" }]),
    ),
  ),
});
const THREE = { SECRET1: "secret1", FSECRET1: "fsecret1", FSECRET2: "fsecret2" };
const GET_THREE = ["secrets", "get", "SECRET1", "FSECRET1", "FSECRET2", "--json"];

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("doppler adapter", () => {
  it("takes project and config from --from (no account needed)", () => {
    fake = fakeCli({
      doppler: [VERSION, ME, { args: [...GET_THREE, "-p", "my-project", "-c", "prd"], respond: computed(THREE) }],
    });
    expect(
      fetchWith("doppler", { from: "my-project/prd", secrets: ["SECRET1", "FSECRET1", "FSECRET2"] }, fake),
    ).toEqual(THREE);
    expect(fake.commandLines()).toEqual([
      "doppler --version",
      "doppler me --json",
      "doppler secrets get SECRET1 FSECRET1 FSECRET2 --json -p my-project -c prd",
    ]);
  });

  it("takes project and config from the secret path too", () => {
    fake = fakeCli({
      doppler: [VERSION, ME, { args: [...GET_THREE, "-p", "my-project", "-c", "prd"], respond: computed(THREE) }],
    });
    const secrets = ["my-project/prd/SECRET1", "my-project/prd/FSECRET1", "my-project/prd/FSECRET2"];
    expect(fetchWith("doppler", { secrets }, fake)).toEqual(THREE);
  });

  it("omits -p/-c when DOPPLER_TOKEN is a service token", () => {
    fake = fakeCli(
      { doppler: [VERSION, ME, { args: GET_THREE, respond: computed(THREE) }] },
      { env: { DOPPLER_TOKEN: "dp.st.xxxxxxxxxxxxxxxxxxxxxx" } },
    );
    expect(fetchWith("doppler", { secrets: ["SECRET1", "FSECRET1", "FSECRET2"] }, fake)).toEqual(THREE);
  });

  it("logs in with `doppler login -y` when `doppler me` fails", () => {
    fake = fakeCli({
      doppler: [
        VERSION,
        { args: ["me", "--json"], respond: { exitCode: 1 } },
        { args: ["login", "-y"] },
        {
          args: ["secrets", "get", "SECRET1", "--json", "-p", "my-project", "-c", "prd"],
          respond: computed({ SECRET1: "secret1" }),
        },
      ],
    });
    expect(fetchWith("doppler", { from: "my-project/prd", secrets: ["SECRET1"] }, fake)).toEqual({
      SECRET1: "secret1",
    });
    expect(fake.commandLines()).toContain("doppler login -y");
  });

  it("has Kamal's errors", () => {
    fake = fakeCli({
      doppler: [
        VERSION,
        ME,
        { args: ["secrets", "get", "A", "--json", "-p", "p", "-c", "c"], respond: { exitCode: 1 } },
      ],
    });
    expect(() => fetchWith("doppler", { secrets: ["FSECRET1", "FSECRET2"] }, fake!)).toThrow(
      "Missing project or config from '--from=project/config' option",
    );
    expect(() => fetchWith("doppler", { from: "p/c", secrets: ["A"] }, fake!)).toThrow(
      'Could not read ["p/c/A"] from Doppler',
    );
    fake.cleanup();
    fake = fakeCli({
      doppler: [
        VERSION,
        { args: ["me", "--json"], respond: { exitCode: 1 } },
        { args: ["login", "-y"], respond: { exitCode: 1 } },
      ],
    });
    expect(() => fetchWith("doppler", { from: "p/c", secrets: ["A"] }, fake!)).toThrow("Failed to login to Doppler");
    fake.cleanup();
    fake = fakeCli({ doppler: [{ args: ["--version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("doppler", { secrets: ["HOST", "PORT"] }, fake!)).toThrow(
      new MissingToolError("Doppler CLI is not installed"),
    );
  });
});
