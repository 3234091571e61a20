// Shared defaults: the single source for CLI flag defaults and server behaviour (kamal-proxy's Default* constants).

const SECOND = 1000;

export const DEFAULT_HTTP_PORT = 80;
export const DEFAULT_HTTPS_PORT = 443;
export const DEFAULT_METRICS_PORT = 0;

export const DEFAULT_DEPLOY_TIMEOUT_MS = 30 * SECOND;
export const DEFAULT_DRAIN_TIMEOUT_MS = 30 * SECOND;
export const DEFAULT_PAUSE_TIMEOUT_MS = 30 * SECOND;
export const DEFAULT_WRITER_AFFINITY_TIMEOUT_MS = 1 * SECOND;

export const DEFAULT_HEALTH_CHECK_PATH = "/up";
export const DEFAULT_HEALTH_CHECK_PORT = 0;
export const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 1 * SECOND;
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 5 * SECOND;
export const HEALTH_CHECK_USER_AGENT = "kamal-proxy";
export const HEALTH_CHECK_MAX_REDIRECTS = 10;

export const DEFAULT_TARGET_TIMEOUT_MS = 30 * SECOND;
export const DEFAULT_MAX_MEMORY_BUFFER_SIZE = 1024 * 1024;
export const DEFAULT_MAX_REQUEST_BODY_SIZE = 0;
export const DEFAULT_MAX_RESPONSE_BODY_SIZE = 0;
export const DEFAULT_STOP_MESSAGE = "";

/** Worker processes of `run`: 0 means one per core (os.availableParallelism()); 1 is a single process. */
export const DEFAULT_WORKERS = 0;

/** Graceful shutdown window on SIGTERM/SIGINT, as kamal-proxy. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10 * SECOND;
/** Time a client gets to send the request head (kamal-proxy has none; slowloris protection). */
export const DEFAULT_HEADER_READ_TIMEOUT_MS = 30 * SECOND;
/** Time an idle keep-alive connection stays open (kamal-proxy has none). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60 * SECOND;
/** Time a TLS handshake may take. */
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10 * SECOND;
/** Largest request head accepted: Go's http.DefaultMaxHeaderBytes, as kamal-proxy (Node's default is 16 KiB). */
export const DEFAULT_MAX_HEADER_SIZE = 1 << 20;
/** Most header fields in one HTTP/2 request (Node's default of 128 would refuse heads Go accepts). */
export const DEFAULT_MAX_HEADER_PAIRS = 16 * 1024;

export const DEFAULT_ON_DEMAND_TLS_TIMEOUT_MS = 2 * SECOND;

export const ACME_PRODUCTION_DIRECTORY_URL = "https://acme-v02.api.letsencrypt.org/directory";
export const ACME_STAGING_DIRECTORY_URL = "https://acme-staging-v02.api.letsencrypt.org/directory";
/** Renew ACME certificates this long before they expire (autocert's default). */
export const ACME_RENEW_BEFORE_MS = 30 * 24 * 3600 * SECOND;
/** After a failed issuance, wait this long before trying the same domain again. */
export const ACME_RETRY_AFTER_MS = 60 * SECOND;

export const STATE_FILE_NAME = "kamal-proxy.state";
export const SOCKET_FILE_NAME = "kamal-proxy.sock";

export const WRITER_COOKIE_NAME = "kamal-writer";
export const ROLLOUT_COOKIE_NAME = "kamal-rollout";
export const WRITER_AFFINITY_HEADER = "x-writer-affinity";
