import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError } from "../../errors.js";

const VERSION = { args: ["--version"], respond: { stdout: "Google Cloud SDK 480.0.0\n" } };
const AUTHENTICATED = {
  args: ["auth", "list", "--format=json"],
  respond: { stdout: JSON.stringify([{ account: "email@example.com", status: "ACTIVE" }]) },
};
const payload = (text: string) => ({
  stdout: JSON.stringify({
    name: "projects/000000000/secrets/x/versions/1",
    payload: { data: Buffer.from(text).toString("base64"), dataCrc32c: "1" },
  }),
});
const access = (flags: string[], text: string) => ({
  args: ["secrets", "versions", "access", ...flags, "--format=json"],
  respond: payload(text),
});

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("gcp adapter (gcloud)", () => {
  it("fetches name → default project, latest version; keys are project/name", () => {
    fake = fakeCli({ gcloud: [VERSION, AUTHENTICATED, access(["latest", "--secret=mypassword"], "secret123")] });
    expect(fetchWith("gcp", { account: "default", secrets: ["mypassword"] }, fake)).toEqual({
      "default/mypassword": "secret123",
    });
    expect(fake.commandLines()).toEqual([
      "gcloud --version",
      "gcloud auth list --format=json",
      "gcloud secrets versions access latest --secret=mypassword --format=json",
    ]);
  });

  it("uses --from as the project, and project/name/version", () => {
    fake = fakeCli({
      gcloud: [
        VERSION,
        AUTHENTICATED,
        access(["latest", "--secret=item1", "--project=other-project"], "secret1"),
        access(["latest", "--secret=item2", "--project=other-project"], "secret2"),
        access(["123", "--secret=item1", "--project=some-project"], "v123"),
      ],
    });
    expect(
      fetchWith("gcp_secret_manager", { account: "default", from: "other-project", secrets: ["item1", "item2"] }, fake),
    ).toEqual({
      "other-project/item1": "secret1",
      "other-project/item2": "secret2",
    });
    expect(fetchWith("gcp", { account: "default", secrets: ["some-project/item1/123"] }, fake)).toEqual({
      "some-project/item1": "v123",
    });
  });

  it("maps the account to --account and --impersonate-service-account (with a delegation chain)", () => {
    fake = fakeCli({
      gcloud: [
        VERSION,
        AUTHENTICATED,
        access(["123", "--secret=item1", "--project=p", "--account=email@example.com"], "a"),
        access(["123", "--secret=item1", "--project=p", "--impersonate-service-account=service-user@example.com"], "b"),
        access(
          [
            "123",
            "--secret=item1",
            "--project=p",
            "--account=user@example.com",
            "--impersonate-service-account=service-user@example.com,service-user2@example.com",
          ],
          "c",
        ),
      ],
    });
    expect(fetchWith("gcp", { account: "email@example.com", secrets: ["p/item1/123"] }, fake)).toEqual({
      "p/item1": "a",
    });
    expect(fetchWith("gcp", { account: "default|service-user@example.com", secrets: ["p/item1/123"] }, fake)).toEqual({
      "p/item1": "b",
    });
    expect(
      fetchWith(
        "gcp",
        { account: "user@example.com|service-user@example.com,service-user2@example.com", secrets: ["p/item1/123"] },
        fake,
      ),
    ).toEqual({ "p/item1": "c" });
  });

  it("runs `gcloud auth login` when nobody is signed in, and fails if that does not help", () => {
    fake = fakeCli({
      gcloud: [
        VERSION,
        { args: ["auth", "list", "--format=json"], respond: [{ stdout: "[]" }, { stdout: "[]" }] },
        { args: ["auth", "login"], respond: { exitCode: 1 } },
      ],
    });
    expect(() => fetchWith("gcp", { account: "default", secrets: ["x"] }, fake!)).toThrow("could not login to gcloud");
    expect(fake.commandLines()).toEqual([
      "gcloud --version",
      "gcloud auth list --format=json",
      "gcloud auth login",
      "gcloud auth list --format=json",
    ]);
  });

  it("has Kamal's errors for a failing read, a missing CLI and a missing account", () => {
    fake = fakeCli({
      gcloud: [
        VERSION,
        AUTHENTICATED,
        { args: ["secrets", "versions", "access", "latest", "--secret=x", "--format=json"], respond: { exitCode: 1 } },
      ],
    });
    expect(() => fetchWith("gcp", { account: "default", secrets: ["x"] }, fake!)).toThrow(
      "Could not read default/x from Google Secret Manager",
    );
    expect(() => fetchWith("gcp", { secrets: ["x"] }, fake!)).toThrow("Missing required option '--account'");
    fake.cleanup();
    fake = fakeCli({ gcloud: [{ args: ["--version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("gcp", { account: "default", secrets: ["x"] }, fake!)).toThrow(
      new MissingToolError("gcloud CLI is not installed"),
    );
  });
});
