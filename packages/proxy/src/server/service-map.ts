// Routing table: host (exact, one-level wildcard, catch-all "") then longest path prefix on segment boundaries.
import { ROOT_PATH } from "./service-options.js";

/** One (host, prefix) binding owned by a service. */
export interface RouteEntry<S> {
  readonly prefix: string;
  readonly service: S;
  readonly serviceName: string;
}

/** What a lookup returns: the service and the prefix it matched on. */
export interface RouteMatch<S> {
  readonly service: S;
  readonly prefix: string;
}

/** The routable shape of a service. */
export interface Routable {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly pathPrefixes: readonly string[];
}

/** An immutable routing table, rebuilt whenever a service is deployed or removed. */
export class ServiceMap<S extends Routable> {
  private readonly byHost = new Map<string, RouteEntry<S>[]>();

  constructor(services: Iterable<S>) {
    for (const service of services) {
      for (const host of service.hosts) {
        let entries = this.byHost.get(host);
        if (!entries) {
          entries = [];
          this.byHost.set(host, entries);
        }
        for (const prefix of service.pathPrefixes) entries.push({ prefix, service, serviceName: service.name });
      }
    }
    for (const entries of this.byHost.values()) entries.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Find the service for a Host header value (port ignored) and a request path; no fall-through between hosts. */
  lookup(hostHeader: string, path: string): RouteMatch<S> | undefined {
    const host = stripPort(hostHeader);
    const entries = this.byHost.get(host) ?? this.byHost.get(wildcardFor(host)) ?? this.byHost.get("");
    if (!entries) return undefined;
    for (const entry of entries) {
      if (prefixMatches(entry.prefix, path)) return entry;
    }
    return undefined;
  }

  /** The name of another service already bound to one of these (host, prefix) pairs, if any. */
  conflictingService(name: string, hosts: readonly string[], prefixes: readonly string[]): string | undefined {
    for (const host of hosts) {
      const entries = this.byHost.get(host);
      if (!entries) continue;
      for (const entry of entries) {
        if (entry.serviceName !== name && prefixes.includes(entry.prefix)) return entry.serviceName;
      }
    }
    return undefined;
  }

  /** The service serving "/" on a host (used for TLS inheritance and certificate lookup). */
  rootServiceFor(host: string): S | undefined {
    const entries = this.byHost.get(host) ?? this.byHost.get(wildcardFor(host));
    return entries?.find((entry) => entry.prefix === ROOT_PATH)?.service;
  }
}

/** "/api" matches "/api" and "/api/x" but not "/apix"; "/" matches everything. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === ROOT_PATH) return true;
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47; // "/"
}

/** The path the target sees when the prefix is stripped ("" becomes "/"). */
export function stripPrefix(prefix: string, path: string): string {
  if (prefix === ROOT_PATH) return path;
  const rest = path.slice(prefix.length);
  return rest === "" ? "/" : rest;
}

/** Remove a ":port" suffix from a Host value, keeping IPv6 literals intact. */
export function stripPort(host: string): string {
  if (host.charCodeAt(0) === 91) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

function wildcardFor(host: string): string {
  const dot = host.indexOf(".");
  return dot === -1 ? "\0" : `*${host.slice(dot)}`;
}
