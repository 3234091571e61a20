// The control protocol between the CLI and the running proxy: one JSON request line, one JSON response line, over
// the unix socket. (kamal-proxy uses Go net/rpc; Kamal only drives the CLI, so the wire format is ours.)
import type { DeployRequest, ListResponse, RolloutDeployRequest } from "../server/router.js";

/** Every call the CLI can make. */
export type ControlRequest =
  | { method: "deploy"; params: DeployRequest }
  | { method: "remove"; params: { service: string } }
  | { method: "pause"; params: { service: string; drainTimeoutMs: number; pauseTimeoutMs: number } }
  | { method: "stop"; params: { service: string; drainTimeoutMs: number; message: string } }
  | { method: "resume"; params: { service: string } }
  | { method: "list"; params: Record<string, never> }
  | { method: "rolloutDeploy"; params: RolloutDeployRequest }
  | { method: "rolloutSet"; params: { service: string; percentage: number; allowlist: string[] } }
  | { method: "rolloutStop"; params: { service: string } };

/** The answer: a result, or the error message the CLI prints as `Error: <message>`. */
export type ControlResponse = { ok: true; result?: ListResponse | null } | { ok: false; error: string };

export const CONTROL_METHODS: readonly ControlRequest["method"][] = [
  "deploy",
  "remove",
  "pause",
  "stop",
  "resume",
  "list",
  "rolloutDeploy",
  "rolloutSet",
  "rolloutStop",
];
