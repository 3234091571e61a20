import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../../test/fixtures/secrets/fake-cli.js";
import { fetchEntries, fetchWith } from "../../../test/fixtures/secrets/vault.js";
import { MissingToolError } from "../../errors.js";

const VERSION = { args: ["--version"], respond: { stdout: "aws-cli/2.17.0\n" } };
const BATCH = ["secretsmanager", "batch-get-secret-value", "--secret-id-list"];
const value = (Name: string, SecretString: string) => ({ ARN: `arn:aws:secretsmanager:::${Name}`, Name, SecretString });
const response = (values: unknown[], errors: unknown[] = []) => ({
  stdout: JSON.stringify({ SecretValues: values, Errors: errors }),
});

let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("aws_secrets_manager adapter (aws)", () => {
  it("expands JSON secrets to name/key, with --profile from --account and --output json", () => {
    fake = fakeCli({
      aws: [
        VERSION,
        {
          args: [...BATCH, "secret/KEY1", "secret/KEY2", "secret2/KEY3", "--profile", "default", "--output", "json"],
          respond: response([
            value("secret", '{"KEY1":"VALUE1", "KEY2":"VALUE2"}'),
            value("secret2", '{"KEY3":"VALUE3"}'),
          ]),
        },
      ],
    });
    const results = fetchWith(
      "aws_secrets_manager",
      { account: "default", secrets: ["secret/KEY1", "secret/KEY2", "secret2/KEY3"] },
      fake,
    );
    expect(results).toEqual({ "secret/KEY1": "VALUE1", "secret/KEY2": "VALUE2", "secret2/KEY3": "VALUE3" });
    expect(fake.commandLines()[1]).toBe(
      "aws secretsmanager batch-get-secret-value --secret-id-list secret/KEY1 secret/KEY2 secret2/KEY3 --profile default --output json",
    );
  });

  it("keeps plain-string secrets as name and stringifies non-string JSON values", () => {
    fake = fakeCli({
      aws: [
        VERSION,
        {
          args: [...BATCH, "secret", "secret2/KEY1", "--output", "json"],
          respond: response([
            value("secret", "a-string-secret"),
            value("secret2", '{"KEY2":"VALUE2","N":5,"O":{"a":true}}'),
            value("num", "42"),
          ]),
        },
      ],
    });
    expect(fetchEntries("aws_secrets_manager", { secrets: ["secret", "secret2/KEY1"] }, fake)).toEqual([
      ["secret", "a-string-secret"],
      ["secret2/KEY2", "VALUE2"],
      ["secret2/N", "5"],
      ["secret2/O", '{"a":true}'],
      ["num", "42"],
    ]);
  });

  it("prefixes --from and omits --profile without an account", () => {
    fake = fakeCli({
      aws: [
        VERSION,
        {
          args: [...BATCH, "secret/KEY1", "secret/KEY2", "--output", "json"],
          respond: response([value("secret", '{"KEY1":"VALUE1","KEY2":"VALUE2"}')]),
        },
      ],
    });
    expect(fetchWith("aws_secrets_manager", { from: "secret", secrets: ["KEY1", "KEY2"] }, fake)).toEqual({
      "secret/KEY1": "VALUE1",
      "secret/KEY2": "VALUE2",
    });
  });

  it("fails with the reported errors, on a failing CLI, and without the CLI", () => {
    fake = fakeCli({
      aws: [
        VERSION,
        {
          args: [...BATCH, "unknown1", "unknown2", "--profile", "default", "--output", "json"],
          respond: response(
            [],
            ["unknown1", "unknown2"].map((SecretId) => ({
              SecretId,
              ErrorCode: "ResourceNotFoundException",
              Message: "Secrets Manager can't find the specified secret.",
            })),
          ),
        },
        { args: [...BATCH, "x", "--output", "json"], respond: { exitCode: 255 } },
      ],
    });
    expect(() =>
      fetchWith("aws_secrets_manager", { account: "default", secrets: ["unknown1", "unknown2"] }, fake!),
    ).toThrow(
      "unknown1: Secrets Manager can't find the specified secret. unknown2: Secrets Manager can't find the specified secret.",
    );
    expect(() => fetchWith("aws_secrets_manager", { secrets: ["x"] }, fake!)).toThrow(
      "Could not read x from AWS Secrets Manager",
    );
    fake.cleanup();
    fake = fakeCli({ aws: [{ args: ["--version"], respond: { exitCode: 1 } }] });
    expect(() => fetchWith("aws_secrets_manager", { secrets: ["x"] }, fake!)).toThrow(
      new MissingToolError("AWS CLI is not installed"),
    );
  });
});
