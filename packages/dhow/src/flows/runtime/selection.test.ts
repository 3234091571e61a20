import { describe, expect, it } from "vitest";
import { matchesPattern } from "./selection.js";
import { testContext } from "../../testing/test-context.js";

const raw = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  builder: { arch: "amd64" },
  servers: { web: ["1.1.1.1", "1.1.1.2"], workers: ["1.1.1.3", "1.1.1.4"] },
  accessories: { db: { image: "mysql", host: "1.1.1.5" } },
};

describe("selectTargets", () => {
  it("selects everything by default, primary role first host as primary", () => {
    const { selection } = testContext({ raw });
    expect(selection.hosts).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5"]);
    expect(selection.roles.map((role) => role.name)).toEqual(["web", "workers"]);
    expect(selection.primaryHost).toBe("1.1.1.1");
    expect(selection.appHosts).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4"]);
    expect(selection.accessoryHosts).toEqual(["1.1.1.5"]);
  });

  it("narrows by --roles and --hosts with wildcards", () => {
    const byRole = testContext({ raw, selection: { roles: "work*" } }).selection;
    expect(byRole.hosts).toEqual(["1.1.1.3", "1.1.1.4"]);
    expect(byRole.primaryHost).toBe("1.1.1.3");
    expect(byRole.primaryRole?.name).toBe("workers");
    const byHost = testContext({ raw, selection: { hosts: "1.1.1.2,1.1.1.4" } }).selection;
    expect(byHost.roles.map((role) => role.name)).toEqual(["web", "workers"]);
    expect(byHost.rolesOn("1.1.1.4").map((role) => role.name)).toEqual(["workers"]);
    expect(byHost.primaryHost).toBe("1.1.1.2");
  });

  it("selects only the primary host with --primary", () => {
    expect(testContext({ raw, selection: { primary: true } }).selection.hosts).toEqual(["1.1.1.1"]);
    expect(testContext({ raw, selection: { primary: true, roles: "workers" } }).selection.hosts).toEqual(["1.1.1.3"]);
  });

  it("fails when a filter matches nothing", () => {
    expect(() => testContext({ raw, selection: { hosts: "9.9.9.9" } })).toThrow("No --hosts match for 9.9.9.9");
    expect(() => testContext({ raw, selection: { roles: "db" } })).toThrow("No --roles match for db");
  });

  it("matches fnmatch-style patterns", () => {
    expect(matchesPattern("1.1.1.*", "1.1.1.9")).toBe(true);
    expect(matchesPattern("1.1.1.*", "1.1.11")).toBe(false);
    expect(matchesPattern("{web,job}", "job")).toBe(true);
    expect(matchesPattern("w?b", "web")).toBe(true);
  });
});
