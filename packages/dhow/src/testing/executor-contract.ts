/**
 * @module
 * The behaviour every Executor must show, as one vitest suite: `executorContract(makeSubject)`. The
 * recording executor runs it in unit tests (with a small scripted shell), the SSH executor against a
 * loopback ssh2 server and against the sandbox's real sshd. Only test files import this module.
 *
 * The commands used are plain POSIX sh: printf, cat, stat -c %a, mkdir -p, rm -rf, exit.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sensitive } from "../sensitive.js";
import { CommandFailedError, type Executor, type StepEvent } from "../remote/executor.js";
import { MultiHostError, onHosts } from "../remote/on-hosts.js";

/** What a contract run needs: an executor, at least two hosts, and a scratch directory path on the hosts. */
export interface ContractSubject {
  readonly executor: Executor;
  readonly hosts: readonly string[];
  /** A path (relative to the login directory, or absolute) the suite may create and delete on each host. */
  readonly scratchDir: string;
  readonly cleanup?: () => Promise<void>;
}

/** Registers the contract suite. */
export function executorContract(name: string, makeSubject: () => Promise<ContractSubject> | ContractSubject): void {
  describe(`executor contract: ${name}`, () => {
    let subject: ContractSubject;
    let executor: Executor;
    let host: string;
    let scratch: string;

    beforeAll(async () => {
      subject = await makeSubject();
      executor = subject.executor;
      host = subject.hosts[0]!;
      scratch = subject.scratchDir;
      expect(subject.hosts.length).toBeGreaterThanOrEqual(2);
      await onHosts(subject.hosts, (h) => executor.run(h, `mkdir -p ${scratch}`));
    });

    afterAll(async () => {
      if (!subject) return;
      await onHosts(subject.hosts, (h) => executor.run(h, `rm -rf ${scratch}`)).catch(() => {});
      await executor.close();
      await subject.cleanup?.();
    });

    it("runs a command and reports host, command, exit code and output", async () => {
      const result = await executor.run(host, "printf hello");
      expect(result).toMatchObject({
        host,
        command: "printf hello",
        redacted: "printf hello",
        exitCode: 0,
        stdout: "hello",
        stderr: "",
      });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    it("throws CommandFailedError with the exit code, its meaning and stderr", async () => {
      const error = await executor.run(host, "printf oops >&2; exit 3").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CommandFailedError);
      const failed = error as CommandFailedError;
      expect(failed.message).toBe(`printf oops >&2; exit 3 failed on ${host} (exit 3: error)\noops`);
      expect(failed.result).toMatchObject({ host, exitCode: 3, stderr: "oops" });
    });

    it("returns the failed result with allowFailure", async () => {
      const result = await executor.run(host, "printf oops >&2; exit 3", { allowFailure: true });
      expect(result).toMatchObject({ exitCode: 3, stdout: "", stderr: "oops" });
    });

    it("names a missing program (exit 127: command not found)", async () => {
      const error = (await executor.run(host, "dhow-no-such-command").catch((e: unknown) => e)) as CommandFailedError;
      expect(error).toBeInstanceOf(CommandFailedError);
      expect(error.message).toContain(`dhow-no-such-command failed on ${host} (exit 127: command not found)`);
    });

    it("shows only the redacted command and scrubs secrets from stderr", async () => {
      const command = { command: "printf s3cret-value >&2; exit 1", redacted: "printf [REDACTED] >&2; exit 1" };
      const error = (await executor
        .run(host, { ...command, secrets: ["s3cret-value"] })
        .catch((e: unknown) => e)) as CommandFailedError;
      expect(error).toBeInstanceOf(CommandFailedError);
      expect(error.message).toBe(`printf [REDACTED] >&2; exit 1 failed on ${host} (exit 1: error)\n[REDACTED]`);
      expect(error.message).not.toContain("s3cret");
      expect(error.result.command).toBe(command.command);
      expect(error.result.redacted).toBe(command.redacted);
    });

    it("feeds input to the command's stdin", async () => {
      const result = await executor.run(host, "cat", { input: "piped\n" });
      expect(result.stdout).toBe("piped\n");
    });

    it("runs a script in one go and splits each step's stdout and stderr", async () => {
      const events: StepEvent[] = [];
      const result = await executor.runScript(
        host,
        [{ command: "printf a" }, { command: "printf b >&2" }, { command: "printf 'c\\n'" }],
        {
          onStep: (event) => events.push(event),
        },
      );
      expect(result.exitCode).toBe(0);
      expect(result.failedStep).toBeUndefined();
      expect(result.steps.map((s) => [s.stdout, s.stderr, s.exitCode])).toEqual([
        ["a", "", 0],
        ["", "b", 0],
        ["c\n", "", 0],
      ]);
      expect(result.steps.every((s) => s.host === host)).toBe(true);
      expect(events.filter((e) => e.state === "finished").map((e) => e.index)).toEqual([0, 1, 2]);
    });

    it("stops a script at the first failing step and throws for that step", async () => {
      const steps = [{ command: "printf one" }, { command: "printf bad >&2; exit 4" }, { command: "printf never" }];
      const error = (await executor.runScript(host, steps).catch((e: unknown) => e)) as CommandFailedError;
      expect(error).toBeInstanceOf(CommandFailedError);
      expect(error.message).toBe(`printf bad >&2; exit 4 failed on ${host} (exit 4: error)\nbad`);
      expect(error.script?.steps.map((s) => s.exitCode)).toEqual([0, 4]);
      const allowed = await executor.runScript(host, steps, { allowFailure: true });
      expect(allowed).toMatchObject({ exitCode: 4, failedStep: 1 });
      expect(allowed.steps).toHaveLength(2);
    });

    it("continues past a step that allows failure", async () => {
      const result = await executor.runScript(host, [
        { command: "exit 5", allowFailure: true },
        { command: "printf after" },
      ]);
      expect(result.steps.map((s) => s.exitCode)).toEqual([5, 0]);
      expect(result.steps[1]!.stdout).toBe("after");
      expect(result).toMatchObject({ exitCode: 0, failedStep: undefined });
    });

    it("uploads content with a mode (env files 0600), also over an existing file", async () => {
      const path = `${scratch}/app.env`;
      await executor.upload(host, { content: "OLD=1\n" }, path, { mode: 0o644 });
      await executor.upload(host, { content: sensitive("SECRET=x\n") }, path, { mode: 0o600 });
      expect((await executor.run(host, `cat ${path}`)).stdout).toBe("SECRET=x\n");
      expect((await executor.run(host, `stat -c %a ${path}`)).stdout.trim()).toBe("600");
    });

    it("uploads a local file", async () => {
      const dir = mkdtempSync(join(tmpdir(), "dhow-contract-"));
      try {
        writeFileSync(join(dir, "page.html"), "<h1>502</h1>\n");
        await executor.upload(host, { path: join(dir, "page.html") }, `${scratch}/page.html`);
        expect((await executor.run(host, `cat ${scratch}/page.html`)).stdout).toBe("<h1>502</h1>\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("runs on every host in parallel and returns results in host order", async () => {
      const results = await onHosts(subject.hosts, (h) => executor.run(h, "printf ok"));
      expect(results.map((r) => [r.host, r.stdout])).toEqual(subject.hosts.map((h) => [h, "ok"]));
    });

    it("lets every host finish, then aggregates the failures per host", async () => {
      const error = (await onHosts(subject.hosts, (h) => executor.run(h, "exit 2")).catch(
        (e: unknown) => e,
      )) as MultiHostError;
      expect(error).toBeInstanceOf(MultiHostError);
      expect(error.message.split("\n")).toEqual([
        `Exceptions on ${subject.hosts.length} hosts:`,
        ...subject.hosts.map((h) => `exit 2 failed on ${h} (exit 2: error)`),
      ]);
    });

    it("counts round trips per host: one exec per command and per script, one SFTP session for several uploads", async () => {
      const other = subject.hosts[1]!;
      await executor.close(); // fresh connections: the first upload below opens an SFTP session
      const count = (h: string) => executor.roundTrips().find((trips) => trips.host === h) ?? { exec: 0, sftp: 0 };
      const before = { host: count(host), other: count(other) };
      await executor.run(host, "printf a");
      await executor.run(host, "exit 2", { allowFailure: true });
      await executor.runScript(host, [{ command: "printf b" }, { command: "printf c" }]);
      await executor.upload(host, { content: "1\n" }, `${scratch}/one.txt`);
      await executor.upload(host, { content: "2\n" }, `${scratch}/two.txt`);
      await executor.run(other, "printf d");
      const after = { host: count(host), other: count(other) };
      expect({
        host: { exec: after.host.exec - before.host.exec, sftp: after.host.sftp - before.host.sftp },
        other: { exec: after.other.exec - before.other.exec, sftp: after.other.sftp - before.other.sftp },
      }).toEqual({ host: { exec: 3, sftp: 1 }, other: { exec: 1, sftp: 0 } });
      expect(executor.roundTrips().map((trips) => trips.host)).toEqual(expect.arrayContaining([host, other]));
    });

    it("closes idempotently and can run again afterwards", async () => {
      await executor.close();
      await executor.close();
      expect((await executor.run(host, "printf again")).stdout).toBe("again");
    });
  });
}
