/**
 * @module
 * Custom TLS certificates (Kamal's `Cli::App::SslCertificates`): for a proxy role whose `proxy.ssl` names a
 * certificate and key secret, write both PEMs where kamal-proxy reads them (`…/apps-config/<svc>/tls/<role>/`).
 */
import * as app from "../../commands/app.js";
import type { Role } from "../../config/config.js";
import { Sensitive } from "../../sensitive.js";
import type { DeployContext } from "../runtime/context.js";
import type { FlowStep } from "../runtime/execute.js";
import { writeFile } from "../../commands/write-file.js";

/** File mode of the uploaded certificate and key (as Kamal). */
export const TLS_FILE_MODE = 0o644;

/** The steps writing the role's custom certificate and key on `host` (none without custom certificates). */
export function sslCertificateSteps(ctx: DeployContext, host: string, role: Role): FlowStep[] {
  const proxy = role.proxy;
  if (!role.runningProxy || !proxy?.customSslCertificate) return [];
  ctx.logger.forHost(host).info(`Writing SSL certificates for ${role.name} on ${host}`);
  const steps: FlowStep[] = [{ command: app.createSslDirectory({ config: ctx.config, role, host }) }];
  const certificate = proxy.certificatePem();
  if (certificate && proxy.hostTlsCert) {
    steps.push({ command: writeFile(proxy.hostTlsCert, new Sensitive(certificate), { mode: TLS_FILE_MODE }) });
  }
  const key = proxy.privateKeyPem();
  if (key && proxy.hostTlsKey) {
    steps.push({ command: writeFile(proxy.hostTlsKey, new Sensitive(key), { mode: TLS_FILE_MODE }) });
  }
  return steps;
}
