// Built-in error pages (404, 413, 502, 503 with an optional message, 504) and the plain fallback for other statuses.
import { STATUS_CODES } from "node:http";
import { escapeHtml } from "./escape-html.js";

const TITLES: Record<number, [title: string, text: string]> = {
  404: ["Not Found", "The page you were looking for doesn't exist."],
  413: ["Request Entity Too Large", "The request was larger than this service accepts."],
  502: ["Bad Gateway", "The service could not be reached. Please try again in a moment."],
  503: [
    "Service Temporarily Unavailable",
    "The service is temporarily unavailable. It may be overloaded, or undergoing scheduled maintenance. Please try again later.",
  ],
  504: ["Gateway Timeout", "The service took too long to respond. Please try again in a moment."],
};

/** The statuses that have a styled built-in page. */
export const BUILT_IN_PAGE_STATUSES: readonly number[] = Object.keys(TITLES).map(Number);

/** Render the built-in page for a status; 503 shows `message` when one is given (the stop message). */
export function renderBuiltInPage(status: number, message = ""): string {
  const entry = TITLES[status];
  if (!entry) return `<h1>${status} ${STATUS_CODES[status] ?? ""}</h1>`;
  const [title, text] = entry;
  const body = status === 503 && message !== "" ? escapeHtml(message) : text;
  return `<!doctype html>
<html lang="en">
<head>
<title>${status} — ${title}</title>
<meta charset="utf-8">
<meta name="viewport" content="initial-scale=1, width=device-width">
<meta name="robots" content="noindex, nofollow">
<style>
*{box-sizing:border-box;margin:0}
body{background:#0971D5;color:#FFF;display:grid;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:clamp(1rem,2.5vw,2rem);line-height:1.4;min-height:100vh;place-items:center;-webkit-font-smoothing:antialiased}
main{display:grid;gap:1em;padding:2em;place-items:center;text-align:center}
h1{font-size:400%;font-weight:800;opacity:.25;letter-spacing:-0.05em}
article{width:min(100%,30em)}
p{font-size:75%}
</style>
</head>
<body>
<main>
<header><h1>${status}</h1></header>
<article><p><strong>${title}.</strong> ${body}</p></article>
</main>
</body>
</html>
`;
}
