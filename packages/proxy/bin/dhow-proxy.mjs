#!/usr/bin/env node
// The `dhow-proxy` and `kamal-proxy` commands as npm installs them. npm links a workspace's bin at install
// time only if its target exists then, and the compiled proxy (dist/) appears only after `npm run build`, so
// the link points at this committed file, which loads the compiled entry or says how to build it. Plain
// JavaScript: it must run before anything is compiled. (The Docker image runs dist/bin/dhow-proxy.js directly.)
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/bin/dhow-proxy.js", import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write(
    `dhow-proxy is not built yet (${fileURLToPath(entry)} is missing): run \`npm run build\` at the repository root\n`,
  );
  process.exitCode = 1;
}
