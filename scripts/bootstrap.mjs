#!/usr/bin/env node
// Makes a fresh clone ready for `npm test` / `npm run demo`: installs the npm dependencies when they are
// missing and, as root on Debian, the system packages the tests use (ruby renders ERB the way Kamal does).
// Plain Node with no dependencies, because it runs before they exist.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wanted = process.argv.slice(2); // extra Debian packages, e.g. for the demo

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

if (!existsSync(join(root, "node_modules", ".package-lock.json"))) {
  console.log("bootstrap: installing npm dependencies (npm ci)");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
}

const packages = [...(has("ruby") ? [] : ["ruby"]), ...wanted.filter((name) => !has(name))];
if (packages.length > 0) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && has("apt-get")) {
    console.log(`bootstrap: apt-get install ${packages.join(" ")}`);
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } else {
    console.log(`bootstrap: please install ${packages.join(", ")} (needs root and apt-get)`);
  }
}
