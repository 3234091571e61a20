// Forwarded-headers middleware (§3.9): the X-Forwarded-For/Proto/Host values sent to the target.

/** The three X-Forwarded-* values for the upstream request. */
export interface ForwardedHeaders {
  readonly forwardedFor: string;
  readonly forwardedProto: string;
  readonly forwardedHost: string;
}

export interface ForwardedInput {
  /** Incoming X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host (undefined when absent). */
  incomingFor: string | undefined;
  incomingProto: string | undefined;
  incomingHost: string | undefined;
  clientIp: string;
  scheme: string;
  host: string;
  /** --forward-headers: trust the incoming values. */
  trust: boolean;
}

/**
 * Compute X-Forwarded-*: always sent; incoming values are only kept when trusted. XFF appends the peer IP to a
 * trusted chain; Proto and Host prefer a trusted incoming value.
 */
export function forwardedHeaders(input: ForwardedInput): ForwardedHeaders {
  const { incomingFor, incomingProto, incomingHost, clientIp, scheme, host, trust } = input;
  if (!trust) return { forwardedFor: clientIp, forwardedProto: scheme, forwardedHost: host };
  return {
    forwardedFor: incomingFor ? `${incomingFor}, ${clientIp}` : clientIp,
    forwardedProto: incomingProto || scheme,
    forwardedHost: incomingHost || host,
  };
}

/** Strip the IPv4-mapped IPv6 prefix Node reports on dual-stack sockets ("::ffff:1.2.3.4" → "1.2.3.4"). */
export function normalizeIp(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
