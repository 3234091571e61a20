/**
 * @module
 * Reads the corpus MANIFEST.tsv (file, repo, commit, path, kamal_major, features) and works out how each
 * file is loaded: a destination file (feature `destination:<name>`) is loaded with its base file
 * (`<prefix>deploy.yml`) and `-d <name>`; every other file is loaded alone, as `-c <file>`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One corpus file and how to load it. */
export interface CorpusEntry {
  /** File name inside the corpus directory. */
  readonly file: string;
  readonly repo: string;
  /** 1 for Kamal 1 / MRSK era files, 2 otherwise. */
  readonly kamalMajor: number;
  readonly features: readonly string[];
  /** The base file to load with `-d`, for destination files. */
  readonly base?: string;
  readonly destination?: string;
}

/** Parses MANIFEST.tsv in `dir`; files not in the manifest are listed as Kamal 2 files loaded alone. */
export function readManifest(dir: string, yamlFiles: readonly string[]): CorpusEntry[] {
  const manifestPath = join(dir, "MANIFEST.tsv");
  const rows = new Map<string, { repo: string; kamalMajor: number; features: string[] }>();
  if (existsSync(manifestPath)) {
    const lines = readFileSync(manifestPath, "utf8").split("\n").slice(1);
    for (const line of lines) {
      if (line.trim() === "") continue;
      const [file = "", repo = "", , , major = "2", features = ""] = line.split("\t");
      rows.set(file, { repo, kamalMajor: Number(major) || 2, features: features.split(",").filter(Boolean) });
    }
  }
  return yamlFiles.map((file) => {
    const row = rows.get(file) ?? { repo: "", kamalMajor: 2, features: [] };
    const destination = row.features.find((feature) => feature.startsWith("destination:"))?.slice(12);
    const base = destination === undefined ? undefined : baseFileFor(file, destination);
    return {
      file,
      repo: row.repo,
      kamalMajor: row.kamalMajor,
      features: row.features,
      ...(destination !== undefined && base !== undefined && yamlFiles.includes(base) ? { base, destination } : {}),
    };
  });
}

/** `NNN__owner__repo__deploy.staging.yml` → `NNN__owner__repo__deploy.yml`. */
function baseFileFor(file: string, destination: string): string | undefined {
  const suffix = `.${destination}.yml`;
  return file.endsWith(suffix) ? `${file.slice(0, -suffix.length)}.yml` : undefined;
}
