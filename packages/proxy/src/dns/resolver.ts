// Target name lookups without libuv's thread pool. dns.lookup (getaddrinfo) runs on a pool of 4 threads, so a few
// slow lookups of stopped containers (10 s, EAI_AGAIN) queue every other lookup behind them: one dead target would
// delay the health checks and requests of all the others. This resolver answers IP literals and /etc/hosts names
// itself and asks DNS through c-ares (node:dns Resolver), which works on the event loop. c-ares reads
// /etc/resolv.conf, so inside a container it asks Docker's embedded DNS (127.0.0.11) as getaddrinfo would.
// Concurrent lookups of one name share one query; answers are cached briefly (positive and negative).
import { promises as dnsPromises } from "node:dns";
import { readFileSync, statSync } from "node:fs";
import { isIP, type LookupFunction } from "node:net";

/** One address of a name. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** A failed lookup, worded like node's DNS errors (`code` is ENOTFOUND, ETIMEOUT, ESERVFAIL, …). */
export class LookupError extends Error {
  override name = "LookupError";
  constructor(
    readonly code: string,
    readonly hostname: string,
  ) {
    super(`lookup ${hostname}: ${code}`);
  }
}

/** The settings that can travel to another process (everything but the clock). */
export type TargetResolverSettings = Omit<TargetResolverOptions, "now">;

export interface TargetResolverOptions {
  /** DNS servers ("ip" or "ip:port"); default: what c-ares reads from /etc/resolv.conf. */
  servers?: readonly string[];
  /** Timeout of one query attempt; c-ares doubles it for each retry. */
  timeoutMs?: number;
  /** Attempts per query. */
  tries?: number;
  /** Hosts file consulted before DNS ("" to skip). */
  hostsPath?: string;
  /** Longest time an answer is reused (the record's TTL when shorter). */
  positiveTtlMs?: number;
  /** Time a failure is reused before the name is asked again. */
  negativeTtlMs?: number;
  now?: () => number;
}

export const DEFAULT_LOOKUP_TIMEOUT_MS = 2000;
export const DEFAULT_LOOKUP_TRIES = 2;
export const DEFAULT_POSITIVE_TTL_MS = 5000;
export const DEFAULT_NEGATIVE_TTL_MS = 1000;
/** How often the hosts file is checked for changes (Docker rewrites it when a container's links change). */
const HOSTS_CHECK_INTERVAL_MS = 2000;

interface CacheEntry {
  expires: number;
  addresses?: ResolvedAddress[];
  error?: LookupError;
}

/** Resolves target host names for the proxy's upstream connections and health checks. */
export class TargetResolver {
  /** How this resolver was configured (workers of a multi-worker proxy build the same one). */
  readonly settings: TargetResolverSettings;
  private readonly dns: dnsPromises.Resolver;
  private readonly hostsPath: string;
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<ResolvedAddress[]>>();
  private hosts = new Map<string, ResolvedAddress[]>();
  private hostsMtimeMs = -1;
  private hostsCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(options: TargetResolverOptions = {}) {
    const { now: _now, ...settings } = options;
    this.settings = settings;
    this.dns = new dnsPromises.Resolver({
      timeout: options.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS,
      tries: options.tries ?? DEFAULT_LOOKUP_TRIES,
    });
    if (options.servers) this.dns.setServers([...options.servers]);
    this.hostsPath = options.hostsPath ?? "/etc/hosts";
    this.positiveTtlMs = options.positiveTtlMs ?? DEFAULT_POSITIVE_TTL_MS;
    this.negativeTtlMs = options.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Every address of `hostname` (IPv4 first when DNS has both); rejects with LookupError. */
  lookup(hostname: string): Promise<ResolvedAddress[]> {
    const family = isIP(hostname);
    if (family !== 0) return Promise.resolve([{ address: hostname, family: family as 4 | 6 }]);
    const name = hostname.toLowerCase().replace(/\.$/, "");
    const fromHosts = this.hostsEntry(name);
    if (fromHosts) return Promise.resolve(fromHosts);
    const cached = this.cache.get(name);
    if (cached && cached.expires > this.now()) {
      return cached.error ? Promise.reject(cached.error) : Promise.resolve(cached.addresses!);
    }
    let running = this.pending.get(name);
    if (!running) {
      running = this.query(name).finally(() => this.pending.delete(name));
      this.pending.set(name, running);
    }
    return running;
  }

  /** A `lookup` for net.connect, http.request and undici's `connect` option (handles `all` and `family`). */
  readonly lookupFunction: LookupFunction = (hostname, options, callback) => {
    const wanted = typeof options === "object" && options ? options.family : options;
    const all = typeof options === "object" && options ? Boolean(options.all) : false;
    this.lookup(hostname).then(
      (addresses) => {
        const matching = wanted === 4 || wanted === 6 ? addresses.filter((a) => a.family === wanted) : addresses;
        if (matching.length === 0) {
          callback(asErrno(new LookupError("ENOTFOUND", hostname)), "", 0);
          return;
        }
        if (all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, matching);
        else callback(null, matching[0]!.address, matching[0]!.family);
      },
      (error: LookupError) => callback(asErrno(error), "", 0),
    );
  };

  private async query(name: string): Promise<ResolvedAddress[]> {
    try {
      const addresses = await this.queryDns(name);
      const ttlMs = Math.min(this.positiveTtlMs, Math.max(0, ...addresses.map((a) => a.ttl)) * 1000);
      const result = addresses.map(({ address, family }) => ({ address, family }));
      if (ttlMs > 0) this.cache.set(name, { expires: this.now() + ttlMs, addresses: result });
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "ESERVFAIL";
      const failure = new LookupError(code === "ENODATA" ? "ENOTFOUND" : code, name);
      this.cache.set(name, { expires: this.now() + this.negativeTtlMs, error: failure });
      throw failure;
    }
  }

  /** A records first; AAAA only when the name has no A record. */
  private async queryDns(name: string): Promise<{ address: string; family: 4 | 6; ttl: number }[]> {
    try {
      const v4 = await this.dns.resolve4(name, { ttl: true });
      if (v4.length > 0) return v4.map((r) => ({ address: r.address, family: 4, ttl: r.ttl }));
    } catch (error) {
      if ((error as { code?: string }).code !== "ENODATA") throw error;
    }
    const v6 = await this.dns.resolve6(name, { ttl: true });
    if (v6.length === 0) throw Object.assign(new Error("no addresses"), { code: "ENOTFOUND" });
    return v6.map((r) => ({ address: r.address, family: 6, ttl: r.ttl }));
  }

  /** The hosts-file addresses of a name (re-read when the file changes; checked at most every 2 s). */
  private hostsEntry(name: string): ResolvedAddress[] | undefined {
    if (this.hostsPath === "") return localhost(name);
    const now = this.now();
    if (now - this.hostsCheckedAt >= HOSTS_CHECK_INTERVAL_MS) {
      this.hostsCheckedAt = now;
      this.reloadHosts();
    }
    return this.hosts.get(name) ?? localhost(name);
  }

  private reloadHosts(): void {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.hostsPath).mtimeMs;
    } catch {
      this.hosts = new Map();
      this.hostsMtimeMs = -1;
      return;
    }
    if (mtimeMs === this.hostsMtimeMs) return;
    this.hostsMtimeMs = mtimeMs;
    try {
      this.hosts = parseHosts(readFileSync(this.hostsPath, "utf8"));
    } catch {
      this.hosts = new Map();
    }
  }
}

/** Parse hosts-file text: `address name [aliases…]`, `#` comments; names are case-insensitive. */
export function parseHosts(text: string): Map<string, ResolvedAddress[]> {
  const hosts = new Map<string, ResolvedAddress[]>();
  for (const rawLine of text.split("\n")) {
    const line = rawLine.replace(/#.*/, "").trim();
    if (line === "") continue;
    const [address, ...names] = line.split(/\s+/);
    const family = isIP(address!.replace(/%.*$/, ""));
    if (family === 0) continue;
    for (const name of names) {
      const key = name.toLowerCase();
      const list = hosts.get(key) ?? [];
      if (!list.some((entry) => entry.address === address)) list.push({ address: address!, family: family as 4 | 6 });
      hosts.set(key, list);
    }
  }
  return hosts;
}

/** "localhost" is loopback even without a hosts entry (RFC 6761). */
function localhost(name: string): ResolvedAddress[] | undefined {
  return name === "localhost" || name.endsWith(".localhost") ? [{ address: "127.0.0.1", family: 4 }] : undefined;
}

function asErrno(error: LookupError): NodeJS.ErrnoException {
  return Object.assign(error, { errno: undefined, syscall: "lookup" }) as NodeJS.ErrnoException;
}

let shared: TargetResolver | undefined;

/** The process-wide resolver (created on first use). */
export function defaultResolver(): TargetResolver {
  shared ??= new TargetResolver();
  return shared;
}
