// `version`: prints the proxy version (kamal-proxy itself has none; Kamal reads the image tag instead).
import type { Command } from "commander";
import { VERSION } from "../../version.js";
import type { CliContext } from "../context.js";

/** Register `version`. */
export function registerVersion(program: Command, ctx: CliContext): void {
  program
    .command("version")
    .description("Print the version")
    .action(() => {
      ctx.io.stdout(`dhow-proxy v${VERSION} (kamal-proxy v${VERSION} compatible)\n`);
    });
}
