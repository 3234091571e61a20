// A deployed service: options, active and rollout load balancers, pause/rollout controllers, and its request path.
import { ROLLOUT_COOKIE_NAME } from "../defaults.js";
import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import type { CertManager } from "../tls/cert-manager.js";
import type { Exchange } from "./exchange.js";
import type { LoadBalancer } from "./load-balancer.js";
import { applyClientIpHeader } from "./middleware/client-ip.js";
import type { ErrorPages } from "./error-pages.js";
import { sendErrorPage } from "./middleware/error-page.js";
import { handlePauseGate } from "./middleware/pause.js";
import { handleRedirect } from "./middleware/redirect.js";
import { applyTargetHeader } from "./middleware/target-header.js";
import { PauseController } from "./pause-controller.js";
import type { RolloutController } from "./rollout-controller.js";
import { stripPrefix } from "./service-map.js";
import type { ServiceOptions, TargetOptions } from "./service-options.js";
import { sendToTarget } from "./upstream/request.js";

/** What serving needs from the server's pipeline (its PipelineDeps, passed as they are: no object per request). */
export interface ServeContext {
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Read per request: ephemeral ports resolve after listen. */
  readonly ports: { readonly https: number };
}

/** Derived, per-deploy resources: certificates and custom error pages. */
export interface ServiceResources {
  certManager: CertManager | undefined;
  errorPages: ErrorPages | undefined;
}

const ACME_CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

/** One named service and its routing, TLS and target state. */
export class Service {
  readonly name: string;
  options: ServiceOptions;
  targetOptions: TargetOptions;
  active: LoadBalancer;
  rollout: LoadBalancer | undefined;
  rolloutController: RolloutController | undefined;
  readonly pause: PauseController;
  certManager: CertManager | undefined;
  errorPages: ErrorPages | undefined;
  /** TLS as seen by routing: non-root services inherit it from the root-path service of their first host. */
  tlsEnabled: boolean;
  tlsRedirect: boolean;

  constructor(init: {
    name: string;
    options: ServiceOptions;
    targetOptions: TargetOptions;
    resources: ServiceResources;
    active: LoadBalancer;
    pause?: PauseController;
  }) {
    this.name = init.name;
    this.options = init.options;
    this.targetOptions = init.targetOptions;
    this.active = init.active;
    this.rollout = undefined;
    this.rolloutController = undefined;
    this.pause = init.pause ?? new PauseController();
    this.certManager = init.resources.certManager;
    this.errorPages = init.resources.errorPages;
    this.tlsEnabled = init.options.tlsEnabled;
    this.tlsRedirect = init.options.tlsRedirect;
  }

  get hosts(): readonly string[] {
    return this.options.hosts;
  }

  get pathPrefixes(): readonly string[] {
    return this.options.pathPrefixes;
  }

  /** Replace options and derived resources (a redeploy); the pause state and rollout slot are kept. */
  update(options: ServiceOptions, targetOptions: TargetOptions, resources: ServiceResources): void {
    if (this.certManager !== resources.certManager) this.certManager?.dispose();
    this.options = options;
    this.targetOptions = targetOptions;
    this.certManager = resources.certManager;
    this.errorPages = resources.errorPages;
  }

  /** Drain the active and rollout targets concurrently (pause and stop). */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.all([this.active.drainAll(timeoutMs), this.rollout?.drainAll(timeoutMs)]);
  }

  /** Stop health checks and close connections of every load balancer; release certificates. */
  dispose(): void {
    this.active.dispose();
    this.rollout?.dispose();
    this.certManager?.dispose();
  }

  /** Serve a request routed here, in kamal-proxy's middleware order (§3.1). */
  serve(ex: Exchange, prefix: string, ctx: ServeContext): void {
    const options = this.options;
    ex.service = this.name;
    ex.matchedPrefix = prefix;
    ex.errorPages = this.errorPages;
    if (options.stripPrefix) ex.routedPath = stripPrefix(prefix, ex.path);
    if (options.excludeMetricsPaths.length > 0 && options.excludeMetricsPaths.includes(ex.routedPath)) {
      ex.excludeMetrics = true;
    } else {
      ex.countedInflight = true;
      ctx.metrics.addInflight(this.name);
    }
    applyClientIpHeader(ex, options.clientIpHeader);

    const certManager = this.certManager;
    if (certManager && !ex.secure && ex.path.startsWith(ACME_CHALLENGE_PREFIX)) {
      answerHttpChallenge(ex, certManager);
      return;
    }
    if (!this.tlsEnabled && ex.secure) {
      sendErrorPage(ex, 503);
      return;
    }
    if (
      ((this.tlsEnabled && this.tlsRedirect && !ex.secure) || options.canonicalHost !== "") &&
      handleRedirect(ex, {
        tlsEnabled: this.tlsEnabled,
        tlsRedirect: this.tlsRedirect,
        canonicalHost: options.canonicalHost,
        httpsPort: ctx.ports.https,
      })
    ) {
      return;
    }

    const gate = handlePauseGate(ex, this.pause, this.targetOptions.healthCheck.path, ctx.logger);
    if (gate === true) return;
    if (gate === false) {
      this.sendToLoadBalancer(ex);
      return;
    }
    gate.then(
      (answered) => {
        if (!answered && !ex.done) this.sendToLoadBalancer(ex);
      },
      () => sendErrorPage(ex, 500),
    );
  }

  private sendToLoadBalancer(ex: Exchange): void {
    const lb = this.loadBalancerFor(ex);
    const target = lb.claim(ex);
    if (!target) {
      sendErrorPage(ex, 503);
      return;
    }
    const targetOptions = target.options;
    applyTargetHeader(ex, target.address, targetOptions.forwardHeaders);
    ex.target = target.address;
    ex.logRequestHeaders = targetOptions.logRequestHeaders;
    ex.logResponseHeaders = targetOptions.logResponseHeaders;
    if (targetOptions.scopeCookiePaths && ex.matchedPrefix !== "/" && ex.matchedPrefix !== "") {
      ex.cookieScopePrefix = ex.matchedPrefix;
    }
    sendToTarget(ex, target);
  }

  private loadBalancerFor(ex: Exchange): LoadBalancer {
    const rollout = this.rollout;
    const controller = this.rolloutController;
    if (rollout && controller) {
      const cookie = ex.req.headers.cookie;
      if (cookie?.includes(ROLLOUT_COOKIE_NAME) && controller.usesRollout(cookie)) return rollout;
    }
    return this.active;
  }
}

function answerHttpChallenge(ex: Exchange, certManager: CertManager): void {
  const token = ex.path.slice(ACME_CHALLENGE_PREFIX.length);
  const answer = certManager.httpChallenge(token);
  if (typeof answer === "object") {
    answer.then(
      (keyAuthorization) => sendChallengeAnswer(ex, keyAuthorization),
      () => sendErrorPage(ex, 500),
    );
    return;
  }
  sendChallengeAnswer(ex, answer);
}

function sendChallengeAnswer(ex: Exchange, keyAuthorization: string | undefined): void {
  if (keyAuthorization === undefined) {
    sendErrorPage(ex, 404);
    return;
  }
  ex.status = 200;
  ex.respContentType = "text/plain";
  ex.respBytes += Buffer.byteLength(keyAuthorization);
  ex.res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(keyAuthorization) });
  ex.res.end(keyAuthorization);
}
