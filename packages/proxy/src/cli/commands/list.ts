// `list|ls [--json]`: the services table (Service Host Path Target State TLS), sorted by name.
import type { Command } from "commander";
import type { ListResponse } from "../../server/router.js";
import type { CliContext } from "../context.js";

const PLAIN = "";
const BOLD = "1;34";
const ITALIC = "3;94";

/** Register `list`. */
export function registerList(program: Command, ctx: CliContext): void {
  program
    .command("list")
    .alias("ls")
    .description("List the services currently running")
    .option("--json", "Print the services as JSON, with target health and restore errors")
    .action(async (opts: { json?: boolean }) => {
      const response = (await ctx.call({ method: "list", params: {} })) as ListResponse;
      if (opts.json) {
        ctx.io.stdout(`${JSON.stringify(response, null, 2)}\n`);
        return;
      }
      ctx.io.stdout(formatList(response, { color: useColor(ctx.io) }));
    });
}

/** Colour only on a terminal, and not when NO_COLOR is set to anything non-empty (no-color.org). */
export function useColor(io: { stdoutIsTTY?: boolean; env: NodeJS.ProcessEnv }): boolean {
  return io.stdoutIsTTY === true && !io.env.NO_COLOR;
}

/**
 * Render the table kamal-proxy prints (fixed-width columns; its ANSI styles when `color`), then any restore
 * failures. kamal-proxy always prints the escapes; dhow-proxy leaves them out when piped.
 */
export function formatList(response: ListResponse, { color = true }: { color?: boolean } = {}): string {
  const row = (cells: [string, number, string][]) =>
    `${cells.map(([text, width, style]) => cell(text, width, color ? style : PLAIN)).join("")}\n`;
  let out = row([
    ["Service", 30, ITALIC],
    ["Host", 30, ITALIC],
    ["Path", 30, ITALIC],
    ["Target", 30, ITALIC],
    ["State", 10, ITALIC],
    ["TLS", 10, ITALIC],
  ]);
  for (const s of response.services) {
    out += row([
      [s.service, 30, BOLD],
      [s.hosts.length > 0 ? s.hosts.join(",") : "*", 30, PLAIN],
      [s.paths.join(","), 30, PLAIN],
      [[...s.targets, ...s.readers].join(","), 30, PLAIN],
      [s.state, 10, PLAIN],
      [s.tls ? "yes" : "no", 10, PLAIN],
    ]);
  }
  for (const failure of response.failures) {
    out += row([
      [failure.service, 30, BOLD],
      ["", 30, PLAIN],
      ["", 30, PLAIN],
      ["", 30, PLAIN],
      ["error", 10, PLAIN],
      ["", 10, PLAIN],
    ]);
  }
  for (const failure of response.failures) {
    out += `Service ${failure.service} could not be restored: ${failure.error}\n`;
  }
  return out;
}

function cell(text: string, width: number, style: string): string {
  const padded = (text + " ".repeat(Math.max(0, width - text.length))).slice(0, width);
  return style === "" ? padded : `\u001b[${style}m${padded}\u001b[0m`;
}
