/**
 * @module
 * The remote buildx builder (Kamal's `Commands::Builder::Remote`): every arch is built on the `remote`
 * docker host, reached through a docker context `<builder>-context`. The registry login happens on the
 * remote builder, so nothing is logged in locally and the client token is not sent.
 */
import { any, type Command, chain, combine, docker, pipe } from "../command.js";
import {
  type BuilderStrategy,
  driverOptions,
  makeStrategy,
  remoteBuilderSuffix,
  type StrategyInput,
  type StrategySpec,
} from "./base.js";

/** Environment of a push through a remote builder: buildx must not send the client's registry token. */
export const REMOTE_PUSH_ENV: Readonly<Record<string, string>> = Object.freeze({ BUILDKIT_NO_CLIENT_TOKEN: "1" });

/** `'{{.Endpoints.docker.Host}}'`: the format that prints a docker context's host. */
export const ENDPOINT_DOCKER_HOST_INSPECT = "'{{.Endpoints.docker.Host}}'";

/** The remote strategy. */
export function remoteBuilder(input: StrategyInput): BuilderStrategy {
  const builder = input.config.builder;
  const name = `kamal-remote-${remoteBuilderSuffix(builder)}`;
  return makeStrategy(input, {
    ...remoteParts(input, name),
    name: "remote",
    create: () =>
      chain(
        createRemoteContext(input, name),
        docker("buildx", "create", "--name", name, driverOptions(builder), remoteContextName(name)),
      ),
  });
}

/** What remote and hybrid builders share: remove, info, inspect, no local login, the push env. */
export function remoteParts(input: StrategyInput, name: string): Omit<StrategySpec, "name" | "create"> {
  const remote = input.config.builder.remote ?? "";
  const context = remoteContextName(name);
  return {
    builderName: name,
    remove: (): Command => chain(docker("context", "rm", context), docker("buildx", "rm", name)),
    info: (): Command => chain(docker("context", "ls"), docker("buildx", "ls")),
    inspectBuilder: (): Command =>
      any(
        combine([
          pipe(docker("buildx", "inspect", name), ["grep", "-q", `Endpoint:.*${context}`]),
          pipe(docker("context", "inspect", context, "--format", ENDPOINT_DOCKER_HOST_INSPECT), [
            "grep",
            "-xq",
            remote,
          ]),
        ]),
        "(echo no compatible builder && exit 1)",
      ),
    loginToRegistryLocally: false,
    pushEnv: REMOTE_PUSH_ENV,
  };
}

/** `docker context create <builder>-context --description '<builder> host' --docker 'host=<remote>'` */
export function createRemoteContext(input: StrategyInput, name: string): Command {
  return docker(
    "context",
    "create",
    remoteContextName(name),
    "--description",
    `'${name} host'`,
    "--docker",
    `'host=${input.config.builder.remote ?? ""}'`,
  );
}

/** The docker context of a remote builder: `<builder>-context`. */
export function remoteContextName(builderName: string): string {
  return `${builderName}-context`;
}
