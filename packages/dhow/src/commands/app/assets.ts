/**
 * @module
 * Asset bridging between versions: extract the new image's assets, merge old and new into the volumes
 * mounted by both containers, and clean up older versions. Kamal's `Commands::App::Assets`.
 */
import { basename, dirname } from "../../ruby.js";
import { makeDirectory } from "../base.js";
import { chain, combine, type Command, docker } from "../command.js";
import type { AppTarget } from "./target.js";

/** Copies the asset path out of the image into `.kamal/apps/<svc>/assets/extracted/<role>-<version>`. */
export function extractAssets(target: AppTarget): Command {
  const { config, role } = target;
  const assetContainer = `${role.containerPrefix}-assets`;
  return combine([
    makeDirectory(role.assetExtractedDirectory()),
    [...docker("container", "rm", assetContainer, "2> /dev/null"), "|| true"],
    docker("container", "create", "--name", assetContainer, config.absoluteImage),
    docker("container", "cp", "-L", `${assetContainer}:${role.assetPath}/.`, role.assetExtractedDirectory()),
    docker("container", "rm", assetContainer),
  ]);
}

/** Fills the new version's asset volume, and cross-copies with the old version's when given. */
export function syncAssetVolumes(
  target: AppTarget,
  options: { oldVersion?: string | number | undefined } = {},
): Command {
  const { config, role } = target;
  const newExtracted = role.assetExtractedDirectory(config.version);
  const newVolume = role.assetVolume()?.hostPath ?? role.assetVolumeDirectory();
  const commands: Command[] = [makeDirectory(newVolume), copyContents(newExtracted, newVolume)];
  const old =
    options.oldVersion === undefined || options.oldVersion === null || options.oldVersion === ""
      ? undefined
      : String(options.oldVersion);
  if (old !== undefined) {
    const oldExtracted = role.assetExtractedDirectory(old);
    const oldVolume = role.assetVolume(old)?.hostPath ?? role.assetVolumeDirectory(old);
    commands.push(copyContents(newExtracted, oldVolume, true), copyContents(oldExtracted, newVolume, true));
  }
  return chain(...commands);
}

/** Removes extracted assets and asset volumes of other versions of the role. */
export function cleanUpAssets(target: AppTarget): Command {
  const { role } = target;
  return chain(
    findAndRemoveOlderSiblings(target, role.assetExtractedDirectory()),
    findAndRemoveOlderSiblings(target, role.assetVolumeDirectory()),
  );
}

function findAndRemoveOlderSiblings(target: AppTarget, path: string): Command {
  return [
    "find",
    dirname(path),
    "-maxdepth 1",
    "-name",
    `'${target.role.name}-*'`,
    "!",
    "-name",
    basename(path),
    '-exec rm -rf "{}" +',
  ];
}

function copyContents(source: string, destination: string, continueOnError = false): Command {
  return ["cp", "-rnT", source, destination, ...(continueOnError ? ["|| true"] : [])];
}
