// Where the CLI and server keep files: the data dir (~/.config/kamal-proxy, else the temp dir) and what is in it.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `$HOME/.config/kamal-proxy`, created with mode 0700; the temp dir when HOME is unusable. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME;
  if (home) {
    const dir = join(home, ".config", "kamal-proxy");
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    } catch {
      // fall through to the temp dir, as kamal-proxy does
    }
  }
  return tmpdir();
}

/** The default ACME cache path: `<data dir>/certs` (computed client-side, as kamal-proxy does). */
export function certificatePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), "certs");
}
