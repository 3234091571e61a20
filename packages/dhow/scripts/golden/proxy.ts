/**
 * @module
 * Golden dispatch for group `proxy` (Kamal's `Commands::Proxy.new(config, host:)`).
 */
import * as proxy from "../../src/commands/proxy.js";
import { bool, callBaseMethod, defined, str, strOrNum } from "./support.js";
import type { GoldenGroup } from "./types.js";

/** The `proxy` group. */
export const proxyGroup: GoldenGroup<proxy.ProxyTarget> = {
  construct({ config, constructorArgs }) {
    return { config, host: str(constructorArgs.host) ?? "" };
  },
  call(target, call) {
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
        return proxy.run(target);
      case "start":
        return proxy.start(target);
      case "stop":
        return proxy.stop(target, defined({ name: str(a.name) }));
      case "start_or_run":
        return proxy.startOrRun(target);
      case "info":
        return proxy.info(target);
      case "version":
        return proxy.version(target);
      case "logs":
        return proxy.logs(target, logOptions());
      case "follow_logs":
        return proxy.followLogs(target, { ...logOptions(), host: str(a.host) ?? "" });
      case "remove_container":
        return proxy.removeContainer(target);
      case "remove_image":
        return proxy.removeImage(target);
      case "cleanup_traefik":
        return proxy.cleanupTraefik(target);
      case "ensure_proxy_directory":
        return proxy.ensureProxyDirectory(target);
      case "remove_proxy_directory":
        return proxy.removeProxyDirectory(target);
      case "ensure_apps_config_directory":
        return proxy.ensureAppsConfigDirectory(target);
      case "boot_config":
        return proxy.bootConfig(target);
      case "read_boot_options":
        return proxy.readBootOptions(target);
      case "read_image":
        return proxy.readImage(target);
      case "read_image_version":
        return proxy.readImageVersion(target);
      case "read_run_command":
        return proxy.readRunCommand(target);
      case "reset_boot_options":
        return proxy.resetBootOptions(target);
      case "reset_image":
        return proxy.resetImage(target);
      case "reset_image_version":
        return proxy.resetImageVersion(target);
      case "reset_run_command":
        return proxy.resetRunCommand(target);
      default:
        return callBaseMethod("proxy", target.config, call);
    }
  },
};
