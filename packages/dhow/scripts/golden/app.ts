/**
 * @module
 * Golden dispatch for group `app` (Kamal's `Commands::App.new(config, role:, host:)`).
 */
import * as app from "../../src/commands/app.js";
import type { Facts } from "../../src/commands/facts.js";
import { bool, callBaseMethod, defined, goldenFacts, record, str, strOrNum, words } from "./support.js";
import type { GoldenGroup } from "./types.js";

interface AppInstance {
  readonly target: app.AppTarget;
  readonly facts: Facts;
}

/** The `app` group. */
export const appGroup: GoldenGroup<AppInstance> = {
  construct({ config, constructorArgs, stubs }) {
    const roleName = str(constructorArgs.role) ?? config.primaryRoleName;
    const role = config.role(roleName);
    if (!role) throw new Error(`no role ${roleName} in the case's config`);
    return { target: { config, role, host: str(constructorArgs.host) }, facts: goldenFacts(stubs) };
  },
  call({ target, facts }, call) {
    const a = call.args;
    const exec = () => defined({ env: record(a.env), interactive: bool(a.interactive), facts });
    switch (call.method) {
      case "run":
        return app.run(target, defined({ hostname: str(a.hostname) }));
      case "start":
        return app.start(target);
      case "status":
        return app.status(target, { version: str(a.version) ?? "" });
      case "stop":
        return app.stop(target, defined({ version: str(a.version) }));
      case "info":
        return app.info(target);
      case "current_running_container_id":
        return app.currentRunningContainerId(target);
      case "container_id_for_version":
        return app.containerIdForVersion(
          target,
          String(call.positional[0]),
          defined({ onlyRunning: bool(a.only_running) }),
        );
      case "container_name":
        return app.containerName(target, str(call.positional[0]));
      case "current_running_version":
        return app.currentRunningVersion(target);
      case "list_versions":
        return app.listVersions(
          target,
          words(call),
          defined({ statuses: Array.isArray(a.statuses) ? a.statuses.map(String) : undefined }),
        );
      case "ensure_env_directory":
        return app.ensureEnvDirectory(target);
      case "list_containers":
        return app.listContainers(target);
      case "list_container_names":
        return app.listContainerNames(target);
      case "remove_container":
        return app.removeContainer(target, { version: str(a.version) ?? "" });
      case "rename_container":
        return app.renameContainer(target, { version: str(a.version) ?? "", newVersion: str(a.new_version) ?? "" });
      case "remove_containers":
        return app.removeContainers(target);
      case "container_health_log":
        return app.containerHealthLog(target, { version: str(a.version) ?? "" });
      case "execute_in_existing_container":
        return app.executeInExistingContainer(target, words(call), exec());
      case "execute_in_new_container":
        return app.executeInNewContainer(target, words(call), { ...exec(), ...defined({ detach: bool(a.detach) }) });
      case "execute_in_existing_container_over_ssh":
        return app.executeInExistingContainerOverSsh(target, words(call), exec());
      case "execute_in_new_container_over_ssh":
        return app.executeInNewContainerOverSsh(target, words(call), exec());
      case "list_images":
        return app.listImages(target);
      case "remove_images":
        return app.removeImages(target);
      case "tag_latest_image":
        return app.tagLatestImage(target);
      case "logs":
        return app.logs(target, logOptions(a));
      case "follow_logs":
        return app.followLogs(target, { ...logOptions(a), host: str(a.host) ?? "" });
      case "deploy":
        return app.deploy(target, { target: str(a.target) ?? "" });
      case "remove":
        return app.remove(target);
      case "live":
        return app.live(target);
      case "maintenance":
        return app.maintenance(target, defined({ drainTimeout: strOrNum(a.drain_timeout), message: str(a.message) }));
      case "remove_proxy_app_directory":
        return app.removeProxyAppDirectory(target);
      case "create_ssl_directory":
        return app.createSslDirectory(target);
      case "extract_assets":
        return app.extractAssets(target);
      case "sync_asset_volumes":
        return app.syncAssetVolumes(target, defined({ oldVersion: strOrNum(a.old_version) }));
      case "clean_up_assets":
        return app.cleanUpAssets(target);
      case "create_error_pages_directory":
        return app.createErrorPagesDirectory(target);
      case "clean_up_error_pages":
        return app.cleanUpErrorPages(target);
      default:
        return callBaseMethod("app", target.config, call);
    }
  },
};

function logOptions(a: Readonly<Record<string, unknown>>): app.AppLogsOptions {
  return defined({
    containerId: str(a.container_id),
    timestamps: bool(a.timestamps),
    since: str(a.since),
    lines: strOrNum(a.lines),
    grep: str(a.grep),
    grepOptions: str(a.grep_options),
  });
}
