/**
 * @module
 * Golden dispatch for group `accessory` (Kamal's `Commands::Accessory.new(config, name:)`).
 */
import * as accessory from "../../src/commands/accessory.js";
import type { Facts } from "../../src/commands/facts.js";
import { bool, callBaseMethod, defined, goldenFacts, str, strOrNum, words } from "./support.js";
import type { GoldenGroup } from "./types.js";

interface AccessoryInstance {
  readonly target: accessory.AccessoryTarget;
  readonly facts: Facts;
}

/** The `accessory` group. */
export const accessoryGroup: GoldenGroup<AccessoryInstance> = {
  construct({ config, constructorArgs, stubs }) {
    const name = str(constructorArgs.name) ?? "";
    const found = config.accessory(name);
    if (!found) throw new Error(`no accessory ${name} in the case's config`);
    return { target: { config, accessory: found }, facts: goldenFacts(stubs) };
  },
  call({ target, facts }, call) {
    const a = call.args;
    const logOptions = () =>
      defined({
        timestamps: bool(a.timestamps),
        since: str(a.since),
        lines: strOrNum(a.lines),
        grep: str(a.grep),
        grepOptions: str(a.grep_options),
      });
    switch (call.method) {
      case "run":
        return accessory.run(target, defined({ host: str(a.host) }));
      case "start":
        return accessory.start(target);
      case "stop":
        return accessory.stop(target);
      case "info":
        return accessory.info(target, defined({ all: bool(a.all), quiet: bool(a.quiet) }));
      case "logs":
        return accessory.logs(target, logOptions());
      case "follow_logs":
        return accessory.followLogs(target, logOptions());
      case "execute_in_existing_container":
        return accessory.executeInExistingContainer(
          target,
          words(call),
          defined({ interactive: bool(a.interactive), facts }),
        );
      case "execute_in_new_container":
        return accessory.executeInNewContainer(
          target,
          words(call),
          defined({ interactive: bool(a.interactive), facts }),
        );
      case "execute_in_existing_container_over_ssh":
        return accessory.executeInExistingContainerOverSsh(target, words(call), facts);
      case "execute_in_new_container_over_ssh":
        return accessory.executeInNewContainerOverSsh(target, words(call), facts);
      case "run_over_ssh":
        return accessory.runOverSsh(target, words(call).join(" "));
      case "remove_service_directory":
        return accessory.removeServiceDirectory(target);
      case "remove_container":
        return accessory.removeContainer(target);
      case "remove_image":
        return accessory.removeImage(target);
      case "pull_image":
        return accessory.pullImage(target);
      case "ensure_env_directory":
        return accessory.ensureEnvDirectory(target);
      case "deploy":
        return accessory.deploy(target, { target: str(a.target) ?? "" });
      case "remove":
        return accessory.remove(target);
      case "create_ssl_directory":
        return accessory.createSslDirectory(target);
      default:
        return callBaseMethod("accessory", target.config, call);
    }
  },
};
