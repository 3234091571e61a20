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
      ctx.io.stdout(opts.json ? `${JSON.stringify(response, null, 2)}\n` : formatList(response));
    });
}

/** Render the table kamal-proxy prints (ANSI styles, fixed-width columns), then any restore failures. */
export function formatList(response: ListResponse): string {
  const row = (cells: [string, number, string][]) =>
    `${cells.map(([text, width, style]) => cell(text, width, style)).join("")}\n`;
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
