/**
 * @module
 * The two host queries behind cross-host names (docs/service-names.md): the host's own IPv4 addresses, to
 * discover its private address, and the ports an accessory container publishes, to check that the other
 * hosts can reach it. Parsing their output is config/cross-host.ts.
 */
import { type Command, docker } from "./command.js";

/** `ip -4 -o addr show scope global`: one line per IPv4 address of the host's interfaces (no loopback). */
export function interfaceAddresses(): Command {
  return ["ip", "-4", "-o", "addr", "show", "scope", "global"];
}

/** `docker port <container>`: `6379/tcp -> 0.0.0.0:6379`, one line per published binding. */
export function publishedPorts(container: string): Command {
  return docker("port", container);
}
