/**
 * @module
 * Custom TLS certificates (Kamal's `Cli::App::SslCertificates`): for a proxy role whose `proxy.ssl` names a
 * certificate and key secret, write both PEMs where kamal-proxy reads them (`…/apps-config/<svc>/tls/<role>/`).
 */
import * as app from "../../commands/app.js";
import type { Role } from "../../config/config.js";
import { Sensitive } from "../../sensitive.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";

/** File mode of the uploaded certificate and key (as Kamal). */
export const TLS_FILE_MODE = 0o644;

/** Uploads the role's custom certificate and key to `host` (nothing without custom certificates). */
export async function uploadSslCertificates(ctx: DeployContext, host: string, role: Role): Promise<void> {
  const proxy = role.proxy;
  if (!role.runningProxy || !proxy?.customSslCertificate) return;
  ctx.logger.forHost(host).info(`Writing SSL certificates for ${role.name} on ${host}`);
  await execute(ctx, host, app.createSslDirectory({ config: ctx.config, role, host }));
  const certificate = proxy.certificatePem();
  if (certificate && proxy.hostTlsCert) {
    await ctx.executor.upload(host, { content: new Sensitive(certificate) }, proxy.hostTlsCert, {
      mode: TLS_FILE_MODE,
    });
  }
  const key = proxy.privateKeyPem();
  if (key && proxy.hostTlsKey) {
    await ctx.executor.upload(host, { content: new Sensitive(key) }, proxy.hostTlsKey, { mode: TLS_FILE_MODE });
  }
}
