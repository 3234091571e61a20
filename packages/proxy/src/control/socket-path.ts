// Where the control socket lives: $KAMAL_PROXY_SOCKET, else $XDG_RUNTIME_DIR/kamal-proxy.sock, else /tmp.
import { join } from "node:path";
import { SOCKET_FILE_NAME } from "../defaults.js";

/** The control socket path for an environment (server and client agree on it). */
export function socketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAMAL_PROXY_SOCKET) return env.KAMAL_PROXY_SOCKET;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, SOCKET_FILE_NAME);
  return join("/tmp", SOCKET_FILE_NAME);
}
