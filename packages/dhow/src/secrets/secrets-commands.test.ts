import { afterEach, describe, expect, it } from "vitest";
import { type FakeCli, fakeCli } from "../../test/fixtures/secrets/fake-cli.js";
import { SecretsError } from "../errors.js";
import { localRunner } from "../remote/local.js";
import { runInlineSecretsCommand } from "./run-inline-secrets-command.js";
import { staticSecrets } from "./secrets.js";
import { secretsExtract } from "./secrets-extract.js";
import { jsonDump, secretsFetch } from "./secrets-fetch.js";
import { secretsPrint } from "./secrets-print.js";
import { shellSplit } from "./shell-split.js";

const context = { runner: localRunner, env: {} };
let fake: FakeCli | undefined;
afterEach(() => fake?.cleanup());

describe("secretsFetch", () => {
  it("prints shell-escaped JSON with a newline, or without it inline", () => {
    const options = { adapter: "test", account: "acct", secrets: ["A B", "K1"], ...context };
    expect(secretsFetch(options)).toBe('\\{\\"A\\ B\\":\\"B\\ A\\",\\"K1\\":\\"1K\\"\\}\n');
    expect(secretsFetch({ ...options, inline: true })).toBe('\\{\\"A\\ B\\":\\"B\\ A\\",\\"K1\\":\\"1K\\"\\}');
    expect(shellSplit(secretsFetch(options))).toEqual(['{"A B":"B A","K1":"1K"}']);
  });

  it("prints keys in fetch order, even numeric-looking ones", () => {
    expect(
      jsonDump(
        new Map<string, string | null>([
          ["b", "1"],
          ["10", "2"],
          ["a", null],
        ]),
      ),
    ).toBe('{"b":"1","10":"2","a":null}');
  });

  it("refuses a missing required --account with Thor's wording, before running anything", () => {
    fake = fakeCli({ op: [] });
    expect(() =>
      secretsFetch({ adapter: "1password", secrets: ["a/b/c"], runner: localRunner, env: fake!.env }),
    ).toThrow(new SecretsError("No value provided for required options '--account'"));
    expect(fake.calls()).toEqual([]);
  });

  it("rejects an unknown adapter", () => {
    expect(() => secretsFetch({ adapter: "keychain", secrets: [], ...context })).toThrow(
      "Unknown secrets adapter: keychain",
    );
  });

  it("passes --account and --from to the vault CLI", () => {
    fake = fakeCli({
      aws: [
        { args: ["--version"] },
        {
          args: [
            "secretsmanager",
            "batch-get-secret-value",
            "--secret-id-list",
            "app/db",
            "--profile",
            "prod",
            "--output",
            "json",
          ],
          respond: {
            stdout: JSON.stringify({ SecretValues: [{ Name: "app", SecretString: '{"db":"pa$$"}' }], Errors: [] }),
          },
        },
      ],
    });
    const output = secretsFetch({
      adapter: "aws_secrets_manager",
      account: "prod",
      from: "app",
      secrets: ["db"],
      runner: localRunner,
      env: fake.env,
    });
    expect(output).toBe('\\{\\"app/db\\":\\"pa\\$\\$\\"\\}\n');
  });
});

describe("secretsExtract", () => {
  const json = '{"vault/item/KEY":"v1","EXACT":"v2","other/EXACT":"v3","EMPTY":""}';

  it("matches the exact key first, then a key ending in /NAME", () => {
    expect(secretsExtract({ name: "EXACT", json })).toBe("v2\n");
    expect(secretsExtract({ name: "KEY", json, inline: true })).toBe("v1");
    expect(secretsExtract({ name: "item/KEY", json, inline: true })).toBe("v1");
    expect(secretsExtract({ name: "EMPTY", json, inline: true })).toBe("");
    expect(secretsExtract({ name: "multi", json: '{"multi":"a\\n"}' })).toBe("a\n");
  });

  it("fails with Kamal's message, and never echoes the JSON", () => {
    expect(() => secretsExtract({ name: "NOPE", json })).toThrow(new SecretsError("Could not find secret NOPE"));
    expect(() => secretsExtract({ name: "EY", json })).toThrow("Could not find secret EY");
    expect(() => secretsExtract({ name: "A", json: "{not json s3cr3t" })).toThrow(
      new SecretsError("Could not extract secret A: the secrets given are not valid JSON"),
    );
    expect(() => secretsExtract({ name: "A", json: '["s3cr3t"]' })).toThrow("not a JSON object");
  });

  it("treats null like a missing key", () => {
    expect(() => secretsExtract({ name: "K", json: '{"K":null}' })).toThrow("Could not find secret K");
    expect(secretsExtract({ name: "K", json: '{"K":null,"x/K":"fallback"}', inline: true })).toBe("fallback");
  });
});

describe("secretsPrint", () => {
  it("prints KEY=VALUE lines in file order", () => {
    expect(secretsPrint({ secrets: staticSecrets({ B: "2", A: "one two", EMPTY: "" }) })).toBe(
      "B=2\nA=one two\nEMPTY=\n",
    );
    expect(secretsPrint({ secrets: staticSecrets({}) })).toBe("");
  });
});

describe("runInlineSecretsCommand", () => {
  it("accepts Thor's option forms in any position", () => {
    const expected = '\\{\\"f/A\\":\\"A/f\\"\\}';
    for (const line of [
      "kamal secrets fetch --adapter test --account x --from f A",
      "kamal secrets fetch -a test --account=x --from=f A",
      "kamal  secrets fetch A -atest --account x -v --from f",
      "dhow secrets fetch --adapter=test A --account x --from f --inline",
      "kamal secrets fetch --adapter test --account x --from f -c config/deploy.yml -d staging A",
      "kamal secrets fetch --adapter test --account x --from f -- A",
    ]) {
      expect(runInlineSecretsCommand(line, context)).toBe(expected);
    }
  });

  it("runs extract with exactly two arguments", () => {
    expect(runInlineSecretsCommand(`kamal secrets extract K '{"K":"v"}'`, context)).toBe("v");
    expect(() => runInlineSecretsCommand("kamal secrets extract K", context)).toThrow(
      "`secrets extract` takes NAME and SECRETS, got 1 arguments",
    );
  });

  it("rejects other commands, unknown options and a missing adapter", () => {
    expect(() => runInlineSecretsCommand("kamal secrets print", context)).toThrow(
      "Only `secrets fetch` and `secrets extract` can run inside a secrets file, not `secrets print`",
    );
    expect(() => runInlineSecretsCommand("kamal secrets fetch --vault x A", context)).toThrow(
      "Unknown option --vault for secrets",
    );
    expect(() => runInlineSecretsCommand("kamal secrets fetch -z A", context)).toThrow("Unknown option -z for secrets");
    expect(() => runInlineSecretsCommand("kamal secrets fetch --account x A", context)).toThrow(
      "No value provided for required options '--adapter'",
    );
    expect(() => runInlineSecretsCommand("kamal secrets fetch -a test --account", context)).toThrow(
      "No value provided for option '--account'",
    );
  });
});
