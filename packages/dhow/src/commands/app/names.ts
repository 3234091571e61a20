/**
 * @module
 * Stable names (dhow only, docs/service-names.md): a role's containers start on the private `dhow` network
 * and answer on the `kamal` network as `<service>-<role>[-<dest>]` (plus the role's own `network-alias`
 * options) only once they passed their health check. Docker cannot change the aliases of a connected
 * container, so a healthy container joins `kamal` with its aliases and the old one leaves it before it stops.
 */
import { DHOW_NETWORK, KAMAL_NETWORK } from "../../constants.js";
import { argumentize, chain, type Command, docker, shell } from "../command.js";
import { type AppTarget, containerName } from "./target.js";

/**
 * Seconds an old container keeps answering requests already under way on `kamal` before it leaves it, at most:
 * it leaves as soon as no connection to its `kamal` address is open (at once, when nothing uses the name).
 */
export const LEAVE_GRACE_SECONDS = 1;

/**
 * Seconds the old container keeps accepting after the new one joined, when its `kamal` address was in use. Docker
 * lists the new address in its DNS a few milliseconds before the address answers ARP, and a client that asks for
 * it in that window waits on it (a second, the kernel's ARP retry) or, with happy eyeballs (Node: 250 ms), falls
 * back to the next address: the old one, which must still accept then. Measured on the sandbox: 20 failed requests
 * in 60 switches without it, none of that kind with it.
 */
export const JOIN_SETTLE_SECONDS = 0.3;

/** The names a role's healthy containers answer to on the `kamal` network: its stable name, then its own aliases. */
export function stableAliases(target: AppTarget): string[] {
  const { role } = target;
  return [...new Set([role.containerPrefix, ...role.networkOptions.aliases])];
}

/** `docker network connect --alias <stable name> [--alias <own alias>]… kamal <container>` */
export function joinNames(target: AppTarget, options: { version?: string | undefined } = {}): Command {
  return docker(
    "network",
    "connect",
    argumentize("--alias", stableAliases(target)),
    KAMAL_NETWORK,
    containerName(target, options.version),
  );
}

/** `docker network connect [--alias <own alias>]… <network> <container>` for each of the role's own networks. */
export function joinOwnNetworks(target: AppTarget, options: { version?: string | undefined } = {}): Command[] {
  const { networks, aliases } = target.role.networkOptions;
  return networks.map((network) =>
    docker("network", "connect", argumentize("--alias", aliases), network, containerName(target, options.version)),
  );
}

/**
 * Takes a version's container off the `kamal` network, so its stable name reaches only the new version.
 * Only a container that also has the `dhow` network (one dhow started): one started on `kamal` alone (by
 * Kamal, or before stable names) holds no stable name and would lose every connection.
 *
 * When its `kamal` address was in use (any TCP socket on it: open, or closed within the last minute), it first
 * keeps accepting for `JOIN_SETTLE_SECONDS` after the new container joined, and the containers on `kamal` forget
 * an unanswered ARP lookup of the new address (a client that asked before the address answered would otherwise
 * wait a second on it).
 *
 * Docker removes the container's `kamal` interface without closing the TCP connections on it, so a client
 * would wait on a dead connection (Prometheus, Node's fetch keep theirs open) or on a connect to an address that
 * is gone. So first, in the container's network namespace (as root on the host; skipped where that is not
 * allowed), new connections on its `kamal` address are refused (a client that still got the old address from
 * Docker's DNS, which also lists the new container, moves on to the new one), requests under way get up to
 * `LEAVE_GRACE_SECONDS` to finish (no wait when no connection is open), and the connections left open are reset, so their clients reconnect to the
 * new version. Then it leaves the network.
 */
export function leaveNames(target: AppTarget, options: { version: string }): Command {
  const name = containerName(target, options.version);
  const kamalAddress = `{{with index .NetworkSettings.Networks "${KAMAL_NETWORK}"}}{{.IPAddress}}{{end}}`;
  // One inspect answers all three: on both networks (yes/no), its process, its kamal address.
  const facts = `'{{if and (index .NetworkSettings.Networks "${DHOW_NETWORK}") (index .NetworkSettings.Networks "${KAMAL_NETWORK}")}}yes{{else}}no{{end}} {{.State.Pid}} ${kamalAddress}'`;
  const address = `'${kamalAddress}'`;
  const inNamespace = `nsenter -t "$pid" -n`;
  const onKamal = `docker network inspect --format '{{range $id, $c := .Containers}}{{$id}} {{end}}' ${KAMAL_NETWORK}`;
  const forget = (state: string) => `nsenter -t "$p" -n ip neigh flush to "$new_ip" nud ${state} >/dev/null 2>&1;`;
  return shell([
    `set -- $(docker inspect --format ${facts} ${name} 2>/dev/null);`,
    `[ "$1" != yes ] || {`,
    `pid=$2; ip=$3;`,
    `if ${inNamespace} ss -tan src "$ip" 2>/dev/null | tail -n +2 | grep -q .; then`,
    `new_ip=$(docker inspect --format ${address} ${containerName(target)} 2>/dev/null);`,
    `for p in $(docker inspect --format '{{.State.Pid}}' $(${onKamal} 2>/dev/null) 2>/dev/null); do`,
    `[ -z "$new_ip" ] || { ${forget("incomplete")} ${forget("failed")} }; done;`,
    `sleep ${JOIN_SETTLE_SECONDS} 2>/dev/null || sleep 1; fi;`,
    `${inNamespace} iptables -I INPUT -d "$ip" -p tcp --syn -j REJECT --reject-with tcp-reset >/dev/null 2>&1 &&`,
    // Polled every 0.1 s (1 s where `sleep` takes whole seconds only), instead of one fixed sleep on every deploy.
    `{ n=0; while [ "$n" -lt ${LEAVE_GRACE_SECONDS * 10} ] && ${inNamespace} ss -tn state established src "$ip" 2>/dev/null | tail -n +2 | grep -q .;`,
    `do { sleep 0.1 2>/dev/null && n=$((n + 1)); } || { sleep 1; n=$((n + 10)); }; done; };`,
    `${inNamespace} ss -K state established src "$ip" >/dev/null 2>&1 || true;`,
    ...docker("network", "disconnect", KAMAL_NETWORK, name),
    "; }",
  ]);
}

/**
 * Creates the `dhow` network where it is missing and connects the given running containers (the proxy, the
 * host's accessories) that are not on it yet, so a container starting on `dhow` reaches them by name and the
 * proxy reaches it for its health check. A container that does not exist is skipped.
 */
export function ensureNamesNetwork(containers: readonly string[]): Command {
  const onDhow = `'{{if index .NetworkSettings.Networks "${DHOW_NETWORK}"}}on{{else}}off{{end}}'`;
  // `set -e`: a failed connect fails the whole step (a `[ … ] || connect` list alone would hide it).
  return shell(
    chain(
      "set -e",
      [`docker network inspect ${DHOW_NETWORK} >/dev/null 2>&1 || docker network create ${DHOW_NETWORK} >/dev/null`],
      ...containers.map((container) => [
        `[ "$(docker inspect --format ${onDhow} ${container} 2>/dev/null)" != off ] ||`,
        ...docker("network", "connect", DHOW_NETWORK, container),
      ]),
    ),
  );
}
