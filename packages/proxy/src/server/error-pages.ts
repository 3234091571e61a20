// A service's error pages: the --error-pages templates (`<status>.html`, Go templates) and the built-in pages.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorPagesError } from "../errors.js";
import { renderBuiltInPage } from "../pages/pages.js";
import { parseTemplate, type Template } from "./middleware/template.js";

/** The content type of every error page. */
export const ERROR_PAGE_CONTENT_TYPE = "text/html; charset=utf-8";

/** A service's custom error pages: `<status>.html` templates from the --error-pages directory. */
export interface ErrorPages {
  readonly path: string;
  render(status: number, args: Record<string, unknown> | undefined): string | undefined;
}

/** Load every `*.html` in `dir` as a template named by status; a missing dir or a parse error fails the deploy. */
export async function loadErrorPages(dir: string): Promise<ErrorPages> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new ErrorPagesError(`${dir}: ${(error as Error).message}`);
  }
  const templates = new Map<number, Template>();
  for (const name of names) {
    const match = /^(\d{3})\.html$/.exec(name);
    if (!match) continue;
    const source = await readFile(join(dir, name), "utf8");
    try {
      templates.set(Number(match[1]), parseTemplate(name, source));
    } catch (error) {
      throw new ErrorPagesError((error as Error).message);
    }
  }
  return {
    path: dir,
    render: (status, args) => templates.get(status)?.render(args),
  };
}

/** The error body bytes for a status: custom template first, then the (cached) built-in page. */
export function renderErrorBody(pages: ErrorPages | undefined, status: number, args?: Record<string, unknown>): Buffer {
  const custom = pages?.render(status, args);
  if (custom !== undefined) return Buffer.from(custom);
  const message = typeof args?.Message === "string" ? args.Message : "";
  if (message !== "") return Buffer.from(renderBuiltInPage(status, message));
  let cached = builtInCache.get(status);
  if (!cached) {
    cached = Buffer.from(renderBuiltInPage(status));
    builtInCache.set(status, cached);
  }
  return cached;
}

const builtInCache = new Map<number, Buffer>();
