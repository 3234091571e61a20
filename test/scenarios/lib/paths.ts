/**
 * @module
 * Where things are: the checkout, the scenario sources (app templates live next to the TS sources, not in
 * dist/), and the dhow executable the scenarios run.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** test/scenarios (from test/scenarios/lib/*.ts or test/scenarios/dist/lib/*.js). */
export const SCENARIOS_DIR = findScenariosDir();

/** The root of this checkout. */
export const REPO_ROOT = resolve(SCENARIOS_DIR, "..", "..");

/** The app templates the scenarios deploy. */
export const APPS_DIR = join(SCENARIOS_DIR, "apps");

/** dhow's built CLI (`npx tsc -b packages/dhow`). */
export const DHOW_BIN = join(REPO_ROOT, "packages", "dhow", "dist", "bin", "dhow.js");

/** The example app of the demo. */
export const EXAMPLE_APP_DIR = join(REPO_ROOT, "examples", "hello");

/** The shared spec folder's config corpus (present only next to a full project checkout). */
export const CORPUS_DIR = resolve(REPO_ROOT, "..", "shared", "corpus");

function findScenariosDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(`${"/"}dist${"/"}lib`) ? resolve(here, "..", "..") : resolve(here, "..");
}
