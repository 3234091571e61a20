#!/usr/bin/env node
// The `dhow` command as npm installs it. npm links a workspace's bin at install time only if its target
// exists then, and the compiled CLI (dist/) appears only after `npm run build`, so the link points at this
// committed file, which loads the compiled entry or says how to build it. Plain JavaScript: it must run
// before anything is compiled.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/bin/dhow.js", import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write(
    `dhow is not built yet (${fileURLToPath(entry)} is missing): run \`npm run build\` at the repository root\n`,
  );
  process.exitCode = 1;
}
