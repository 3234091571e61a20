/**
 * @module
 * App commands Kamal builds without a role (`KAMAL.app` with no `role:`): they filter on the service and
 * destination labels only. The role-bound builders in `app/` always add `label=role=…`.
 */
import type { Config } from "../config/config.js";
import { argumentize, type Command, docker } from "./command.js";

/** `docker container ls --all --filter label=service=<svc> --filter label=destination=<dest>` */
export function listAllContainers(config: Config): Command {
  return docker(
    "container",
    "ls",
    "--all",
    ...argumentize("--filter", [`label=service=${config.service}`, `label=destination=${config.destination ?? ""}`]),
  );
}
