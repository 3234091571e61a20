/**
 * @module
 * The two host queries behind cross-host names (docs/service-names.md): the host's own IPv4 addresses, to
 * discover its private address, and the ports an accessory container publishes, to check that the other
 * hosts can reach it. Parsing their output is config/cross-host.ts.
 */
import { argumentize, type Command, docker } from "./command.js";

/** An accessory's name on a host where it does not run, and the address it resolves to there. */
export interface ExtraHost {
  readonly name: string;
  readonly address: string;
}

/** `--add-host <name>:<address>` per entry: what makes an accessory's name resolve on another host. */
export function addHostArgs(extraHosts: readonly ExtraHost[] = []): string[] {
  return argumentize(
    "--add-host",
    extraHosts.map(({ name, address }) => `${name}:${address}`),
  ) as string[];
}

/** `ip -4 -o addr show scope global`: one line per IPv4 address of the host's interfaces (no loopback). */
export function interfaceAddresses(): Command {
  return ["ip", "-4", "-o", "addr", "show", "scope", "global"];
}

/** `docker port <container>`: `6379/tcp -> 0.0.0.0:6379`, one line per published binding. */
export function publishedPorts(container: string): Command {
  return docker("port", container);
}
