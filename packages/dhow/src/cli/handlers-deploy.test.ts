import { describe, expect, it } from "vitest";
import { COMMAND_TREE, type CommandSpec } from "./command-spec.js";
import { DEPLOY_HANDLERS } from "./handlers-deploy.js";

function leafPaths(specs: readonly CommandSpec[], prefix = ""): string[] {
  return specs.flatMap((spec) => {
    const path = prefix ? `${prefix} ${spec.name}` : spec.name;
    return spec.subcommands ? leafPaths(spec.subcommands, path) : [path];
  });
}

describe("DEPLOY_HANDLERS", () => {
  it("handles the deploy commands, each a command of the tree", () => {
    expect(Object.keys(DEPLOY_HANDLERS).sort()).toEqual(
      [
        "setup",
        "deploy",
        "redeploy",
        "rollback",
        "build deliver",
        "build push",
        "build pull",
        "build create",
        "build remove",
        "build details",
        "build dev",
        "registry setup",
        "registry remove",
        "registry login",
        "registry logout",
        "proxy boot",
        "proxy build",
        "app boot",
        "prune all",
        "prune images",
        "prune containers",
        "server bootstrap",
      ].sort(),
    );
    const paths = leafPaths(COMMAND_TREE);
    for (const path of Object.keys(DEPLOY_HANDLERS)) expect(paths).toContain(path);
  });

  it("offers `proxy build` with a --base-image option", () => {
    const proxy = COMMAND_TREE.find((spec) => spec.name === "proxy");
    const build = proxy?.subcommands?.find((spec) => spec.name === "build");
    expect(build?.description).toBe(
      "Build the dhow-proxy image from the installed package and push it to the registry",
    );
    expect(build?.options?.map((option) => option.flags)).toEqual(["--base-image <image>"]);
  });
});
