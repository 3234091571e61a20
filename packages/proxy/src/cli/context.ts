// What every CLI command gets: output streams, the environment, and a way to call the running proxy.
import { callControl } from "../control/control-client.js";
import type { ControlRequest } from "../control/protocol.js";
import { socketPath } from "../control/socket-path.js";
import type { LogSink } from "../log/logger.js";
import type { ListResponse } from "../server/router.js";

/** Output and environment of one CLI invocation (injected so tests can capture them). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (colour is used only then, and never with NO_COLOR set). */
  stdoutIsTTY?: boolean;
  /** Where `run` writes its JSON log lines (stdout when absent). */
  logSink?: LogSink;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); used by `run`. */
  waitForShutdown?: () => Promise<void>;
}

/** The command context: io plus the control-socket call. */
export interface CliContext {
  io: CliIo;
  call(request: ControlRequest): Promise<ListResponse | null | undefined>;
}

/** Build the context; calls go to $KAMAL_PROXY_SOCKET / $XDG_RUNTIME_DIR / /tmp. */
export function createContext(io: CliIo): CliContext {
  return {
    io,
    call: async (request) => (await callControl(socketPath(io.env), request)).result,
  };
}
