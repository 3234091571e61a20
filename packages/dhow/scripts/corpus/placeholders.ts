/**
 * @module
 * The environment a corpus file is rendered with: every ENV variable its ERB reads gets a placeholder
 * value, as a user with a filled-in .env would have. Names are found statically (`ENV["X"]`, `ENV['X']`,
 * `ENV.fetch("X", …)`, `ENV.key?("X")`, and upper-case words of `%w[…]` lists that code loops over to
 * read ENV); names built at runtime are added when rendering stops with `key not found: "X"`.
 */

/**
 * Variables `template` reads (KAMAL_DESTINATION excluded: the loader sets it from `-d`). With
 * `includeDefaulted: false`, variables read as `ENV.fetch("X", default)` are left out (their default applies).
 */
export function envNamesRead(
  template: string,
  { includeDefaulted = true }: { includeDefaulted?: boolean } = {},
): string[] {
  const names = new Set<string>();
  const patterns = [
    /ENV\[\s*(["'])([^"'#\\]+)\1\s*\]/g,
    includeDefaulted
      ? /ENV\.(?:fetch|key\?|has_key\?|include\?)\(\s*(["'])([^"'#\\]+)\1/g
      : /ENV\.fetch\(\s*(["'])([^"'#\\]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of template.matchAll(pattern)) if (match[2]) names.add(match[2]);
  }
  if (/ENV\[\s*[a-z_]+\s*\]/.test(template)) {
    for (const list of template.matchAll(/%w[[(]([^\])]*)[\])]/g)) {
      for (const word of (list[1] ?? "").split(/\s+/)) if (/^[A-Z][A-Z0-9_]+$/.test(word)) names.add(word);
    }
  }
  names.delete("KAMAL_DESTINATION");
  return [...names];
}

/** A plausible, distinct value for a variable: a number for ports, sizes and counts, else its name. */
export function placeholderValue(name: string): string {
  const numeric =
    /(^|_)(PORT|TIMEOUT|DELAY|RETAIN|LIMIT|COUNT|CONCURRENCY|THREADS|WORKERS|REPLICAS|SIZE|NUM|MAX|MIN|BODY|BYTES|TTL|INTERVAL|RETRIES|TURNS)($|_)/i;
  if (numeric.test(name)) return "1234";
  const word =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "placeholder";
  if (/(^|_)(URL|URI|ENDPOINT)($|_)/i.test(name)) return `https://${word}.example.com`;
  if (/(^|_)(HOST|HOSTNAME|DOMAIN|FQDN)($|_)/i.test(name)) return `${word}.example.com`;
  return word;
}

/** The name in a KeyError message (`key not found: "X" (KeyError)`), if that is what the error is. */
export function missingEnvName(message: string): string | undefined {
  return /key not found: "([^"]+)"/.exec(message)?.[1];
}
