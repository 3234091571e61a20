// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} text in secrets files
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SecretsError } from "../errors.js";
import { localRunner } from "../remote/local.js";
import { redactText } from "../sensitive.js";
import { DEFAULT_SECRETS_PATH, loadedSecretValues, loadSecrets, secretsFilenames, staticSecrets } from "./secrets.js";
import type { SecretsRunner } from "./secrets-runner.js";

let dir: string;
let calls: string[];
/** The real runner, recording every command line it runs. */
const runner: SecretsRunner = {
  runSync: (file, args, options) => {
    calls.push([file, ...args].join(" "));
    return localRunner.runSync(file, args, options);
  },
  shellSync: (line, options) => {
    calls.push(line);
    return localRunner.shellSync(line, options);
  },
};
const ENV = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", FROM_ENV: "env-value" };

function files(contents: Record<string, string>): void {
  for (const [name, text] of Object.entries(contents)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}
function load(options: { destination?: string; secretsPath?: string; warn?: (m: string) => void } = {}) {
  return loadSecrets({ cwd: dir, env: ENV, runner, ...options });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dhow-secrets-"));
  calls = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("loadSecrets", () => {
  it("reads <path>-common then <path>, the later file winning", () => {
    files({ ".kamal/secrets-common": "A=common\nB=common\n", ".kamal/secrets": "B=main\nC=main\n" });
    const secrets = load();
    expect(secrets.toRecord()).toEqual({ A: "common", B: "main", C: "main" });
    expect(secrets.keys()).toEqual(["A", "B", "C"]);
    expect(secrets.files).toEqual([".kamal/secrets-common", ".kamal/secrets"]);
  });

  it("reads <path>.<destination> instead of <path> with a destination", () => {
    files({
      ".kamal/secrets-common": "A=common\n",
      ".kamal/secrets": "B=main\n",
      ".kamal/secrets.staging": "B=staging\n",
    });
    const secrets = load({ destination: "staging" });
    expect(secrets.toRecord()).toEqual({ A: "common", B: "staging" });
    expect(secrets.files).toEqual([".kamal/secrets-common", ".kamal/secrets.staging"]);
    expect(load({ destination: "production" }).toRecord()).toEqual({ A: "common" });
  });

  it("honours a custom secrets_path", () => {
    files({ "config/creds": "X=1\n", "config/creds-common": "Y=2\n" });
    expect(load({ secretsPath: "config/creds" }).toRecord()).toEqual({ Y: "2", X: "1" });
  });

  it("parses each file on its own: a later file cannot see an earlier file's keys", () => {
    files({ ".kamal/secrets-common": "BASE=common\n", ".kamal/secrets": "A=$BASE-$FROM_ENV\n" });
    expect(load().get("A")).toBe("-env-value");
  });

  it("is lazy: nothing runs until a value is asked for, and then only once", () => {
    files({ ".kamal/secrets": "A=$(echo one)\nB=$(echo two)\n" });
    const secrets = load();
    expect(secrets.files).toEqual([".kamal/secrets"]);
    expect(calls).toEqual([]);
    expect(secrets.has("A")).toBe(true);
    expect(calls).toEqual(["echo one", "echo two"]);
    expect(secrets.get("B")).toBe("two");
    expect(secrets.get("A")).toBe("one");
    expect(calls).toHaveLength(2);
  });

  it("runs $(…) through the shell in the project directory with the given environment, chomping one newline", () => {
    files({
      ".kamal/secrets":
        "PWD_SEEN=$(pwd)\nENV_SEEN=$(echo $FROM_ENV)\nLINES=\"$(printf 'a\\n\\n')\"\nKEY=$(cat config/master.key)\n",
      "config/master.key": "abc123\n",
    });
    const secrets = load();
    expect(secrets.get("PWD_SEEN")).toBe(dir);
    expect(secrets.get("ENV_SEEN")).toBe("env-value");
    expect(secrets.get("LINES")).toBe("a\n");
    expect(secrets.get("KEY")).toBe("abc123");
  });

  it("fails on a failing command with file, line, key and exit code, never the value", () => {
    files({ ".kamal/secrets": "OK=$(echo s3cr3t-value)\n\nBAD=$(echo $OK >&2; exit 3)\n" });
    const secrets = load();
    let error: unknown;
    try {
      secrets.get("OK");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretsError);
    const message = (error as Error).message;
    expect(message).toContain("Command $(echo $OK >&2; exit 3) for BAD failed with exit code 3 (.kamal/secrets:3)");
    expect(message).not.toContain("s3cr3t-value");
    expect(message).toContain("[REDACTED]");
    // The failure is remembered: no second run of the commands.
    const before = calls.length;
    expect(() => secrets.keys()).toThrow(SecretsError);
    expect(calls.length).toBe(before);
    expect(loadedSecretValues(secrets)).toContain("s3cr3t-value");
  });

  it("runs `kamal secrets fetch/extract` in-process (the test adapter), incl. non-ASCII and parentheses", () => {
    files({
      ".kamal/secrets": [
        "SECRET_TOKEN='1234 with \"中文\"'",
        "SECRETS=$(kamal secrets fetch --adapter test --account test INTERPOLATED_SECRET1 INTERPOLATED_中文 INTERPOLATED_\\\\(\\\\))",
        "INTERPOLATED_SECRET1=$(kamal secrets extract INTERPOLATED_SECRET1 ${SECRETS})",
        "INTERPOLATED_SECRET3=$(kamal secrets extract INTERPOLATED_中文 ${SECRETS})",
        "INTERPOLATED_SECRET4=$(dhow secrets extract INTERPOLATED_\\\\(\\\\) $SECRETS)",
        // Kamal's command regex needs at least one character between parentheses: this one is not a command.
        "NOT_A_COMMAND=$(kamal secrets extract 'X()' $SECRET_TOKEN)",
        "",
      ].join("\n"),
    });
    const secrets = load();
    expect(secrets.get("SECRET_TOKEN")).toBe('1234 with "中文"');
    expect(secrets.get("SECRETS")).toBe(
      '\\{\\"INTERPOLATED_SECRET1\\":\\"1TERCES_DETALOPRETNI\\",\\"INTERPOLATED_\\中\\文\\":\\"\\文\\中_DETALOPRETNI\\",\\"INTERPOLATED_\\(\\)\\":\\"\\)\\(_DETALOPRETNI\\"\\}',
    );
    expect(secrets.get("INTERPOLATED_SECRET1")).toBe("1TERCES_DETALOPRETNI");
    expect(secrets.get("INTERPOLATED_SECRET3")).toBe("文中_DETALOPRETNI");
    expect(secrets.get("INTERPOLATED_SECRET4")).toBe(")(_DETALOPRETNI");
    expect(secrets.get("NOT_A_COMMAND")).toBe("$(kamal secrets extract 'X()' 1234 with \"中文\")");
    expect(calls).toEqual([]);
  });

  it("wraps an in-process failure with the file, line and key", () => {
    files({ ".kamal/secrets": "A=x\nSECRETS=$(kamal secrets fetch --adapter nope X)\n" });
    expect(() => load().get("A")).toThrow(
      new SecretsError(
        "Unknown secrets adapter: nope (in $(kamal secrets fetch --adapter nope X) for SECRETS, .kamal/secrets:2)",
      ),
    );
    files({ ".kamal/secrets": 'V=$(kamal secrets extract MISSING \'{"A":"1"}\')\n' });
    expect(() => load().get("V")).toThrow("Could not find secret MISSING (in $(kamal secrets extract MISSING");
  });

  it("raises Kamal's messages for missing keys", () => {
    files({ ".kamal/secrets": "A=1\n" });
    expect(() => load().get("NOPE")).toThrow(new SecretsError("Secret 'NOPE' not found in .kamal/secrets"));
    files({ ".kamal/secrets-common": "A=1\n" });
    expect(() => load().get("NOPE")).toThrow("Secret 'NOPE' not found in .kamal/secrets-common, .kamal/secrets");
    rmSync(join(dir, ".kamal"), { recursive: true });
    expect(() => load().get("NOPE")).toThrow(
      "Secret 'NOPE' not found, no secret files (.kamal/secrets-common, .kamal/secrets) provided",
    );
    expect(() => load({ destination: "prod" }).get("NOPE")).toThrow(
      "Secret 'NOPE' not found, no secret files (.kamal/secrets-common, .kamal/secrets.prod) provided",
    );
    expect(load().keys()).toEqual([]);
  });

  it("warns about blank secrets with Kamal's tips", () => {
    files({ ".kamal/secrets": "EMPTY=\nFROM_ENV=$FROM_ENV_UNSET\nCMD=$(printf '')\n" });
    const warnings: string[] = [];
    const secrets = load({ warn: (message) => warnings.push(message) });
    expect(secrets.get("EMPTY")).toBe("");
    expect(secrets.get("FROM_ENV")).toBe("");
    expect(secrets.get("CMD")).toBe("");
    expect(warnings).toEqual([
      "Warning: Kamal secret EMPTY is blank.",
      "Tip: see .kamal/secrets:1: EMPTY=",
      "Warning: Kamal secret FROM_ENV is blank.",
      "Tip: see .kamal/secrets:2: FROM_ENV=$FROM_ENV_UNSET",
      "Tip: the environment variable FROM_ENV is blank. Did you forget to set it?",
      "Warning: Kamal secret CMD is blank.",
      "Tip: see .kamal/secrets:3: CMD=$(printf '')",
      "Tip: the shell command `printf ''` returned an empty value.",
    ]);
  });

  it("reports an unreadable secrets file by name", () => {
    mkdirSync(join(dir, ".kamal/secrets"), { recursive: true });
    expect(() => load().keys()).toThrow(/^Could not read \.kamal\/secrets: /);
  });
});

describe("staticSecrets", () => {
  it("serves fixed values with Kamal's missing-key messages", () => {
    const secrets = staticSecrets({ RAILS_MASTER_KEY: "456" });
    expect(secrets.get("RAILS_MASTER_KEY")).toBe("456");
    expect(secrets.has("X")).toBe(false);
    expect(secrets.files).toEqual([]);
    expect(() => secrets.get("X")).toThrow(
      "Secret 'X' not found, no secret files (.kamal/secrets-common, .kamal/secrets) provided",
    );
    expect(() => staticSecrets({}, [".kamal/secrets"]).get("X")).toThrow("Secret 'X' not found in .kamal/secrets");
    expect(loadedSecretValues(secrets)).toEqual(["456"]);
  });
});

describe("loadedSecretValues", () => {
  it("never loads secrets by itself, and covers every loaded value", () => {
    files({ ".kamal/secrets": "A=$(echo alpha-secret)\nB=beta-secret\n" });
    const secrets = load();
    expect(loadedSecretValues(secrets)).toEqual([]);
    expect(calls).toEqual([]);
    secrets.get("B");
    expect(loadedSecretValues(secrets)).toEqual(expect.arrayContaining(["alpha-secret", "beta-secret"]));
    expect(redactText("login failed for beta-secret / alpha-secret", loadedSecretValues(secrets))).toBe(
      "login failed for [REDACTED] / [REDACTED]",
    );
  });

  it("knows nothing of other objects", () => {
    expect(
      loadedSecretValues({ get: () => "", has: () => false, keys: () => [], toRecord: () => ({}), files: [] }),
    ).toEqual([]);
  });
});

describe("secretsFilenames", () => {
  it("is Kamal's list", () => {
    expect(secretsFilenames(DEFAULT_SECRETS_PATH, undefined)).toEqual([".kamal/secrets-common", ".kamal/secrets"]);
    expect(secretsFilenames(".kamal/secrets", "beta")).toEqual([".kamal/secrets-common", ".kamal/secrets.beta"]);
  });
});
