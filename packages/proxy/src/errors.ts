// Named failure kinds of the proxy (kamal-proxy's Error* values), declared together.

/** Base class: a failure whose message is shown to the CLI user as `Error: <message>`. */
export class ProxyError extends Error {
  override name = "ProxyError";
}

export class ServiceNotFoundError extends ProxyError {
  override name = "ServiceNotFoundError";
  constructor() {
    super("service not found");
  }
}

export class TargetFailedToBecomeHealthyError extends ProxyError {
  override name = "TargetFailedToBecomeHealthyError";
}

export class HostInUseError extends ProxyError {
  override name = "HostInUseError";
  constructor(detail?: string) {
    super(
      detail
        ? `host settings conflict with another service (${detail})`
        : "host settings conflict with another service",
    );
  }
}

export class RolloutTargetNotSetError extends ProxyError {
  override name = "RolloutTargetNotSetError";
  constructor() {
    super("rollout target not set");
  }
}

export class InvalidTargetError extends ProxyError {
  override name = "InvalidTargetError";
  constructor(target: string) {
    super(`${target} :invalid host pattern`);
  }
}

export class ServiceOptionsInvalidError extends ProxyError {
  override name = "ServiceOptionsInvalidError";
  constructor(detail: string) {
    super(`service options invalid: ${detail}`);
  }
}

export class AutomaticTlsWildcardError extends ProxyError {
  override name = "AutomaticTlsWildcardError";
  constructor() {
    super("automatic TLS does not support wildcards");
  }
}

export class ErrorPagesError extends ProxyError {
  override name = "ErrorPagesError";
  constructor(detail: string) {
    super(`unable to load error pages: ${detail}`);
  }
}

export class CertificateLoadError extends ProxyError {
  override name = "CertificateLoadError";
}

/** Cancels a request still running on a target when its drain deadline passes (answered 504). */
export class DrainingError extends ProxyError {
  override name = "DrainingError";
  constructor() {
    super("target is draining");
  }
}
