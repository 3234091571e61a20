#!/bin/sh
# Entrypoint of the sandbox's postgres:15 image (busybox sh + Debian's postgresql-15 binaries). It does what
# users rely on in the official image's entrypoint, written for this image:
# - `docker run IMAGE [-c opt=val …]` runs the server; any other command runs as given (`psql`, `sh`, …).
# - Started as root: creates $PGDATA and the socket directory, hands them to the postgres user, and runs the
#   rest as that user (with `--user`, it runs as that user directly).
# - An empty $PGDATA: the real initdb (superuser $POSTGRES_USER, default postgres; password $POSTGRES_PASSWORD,
#   required unless POSTGRES_HOST_AUTH_METHOD=trust), `host all all all scram-sha-256` for connections that
#   are not local, $POSTGRES_DB created, /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz run, by a temporary
#   server that listens on no TCP address and on a private socket directory, so neither clients nor a
#   `pg_isready` health check see a server before the real one is up.
# - The server listens on 5432 on every address (listen_addresses = '*' in the configuration template).
# - SIGTERM and SIGINT (the image's STOPSIGNAL) stop it with a fast shutdown: sessions are ended, the data is
#   checkpointed, exit 0. (Postgres itself treats SIGTERM as a "smart" shutdown that waits for every client
#   to disconnect, which a connection pool never does.) SIGQUIT is an immediate shutdown.
set -eu

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
SOCKET_DIR=/var/run/postgresql

log() { printf '%s\n' "$*"; }

# `docker run IMAGE -c shared_buffers=256MB` → postgres options
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi

if [ "$1" != postgres ]; then exec "$@"; fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" "$SOCKET_DIR"
  chmod 700 "$PGDATA"
  # only what is not the postgres user's already (a big data directory is not walked on every start)
  find "$PGDATA" \! -user postgres -exec chown postgres:postgres {} +
  chown postgres:postgres "$SOCKET_DIR"
  chmod 3777 "$SOCKET_DIR"
  # busybox su as root asks for no password; -p keeps the environment (POSTGRES_*, PGDATA, PATH)
  exec su -p -s /bin/sh postgres -c 'exec "$0" "$@"' "$0" "$@"
fi

export HOME=/var/lib/postgresql

init_database() {
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    log "Error: Database is uninitialized and superuser password is not specified."
    log "       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser, or set"
    log "       POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without a password."
    exit 1
  fi
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

  pwfile=""
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, as in the official image
  initdb --username="$user" ${pwfile:+--pwfile="$pwfile"} ${POSTGRES_INITDB_ARGS:-}
  [ -z "$pwfile" ] || rm -f "$pwfile"
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

  init_socket="$(mktemp -d)"
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories='$init_socket' -p 5432" start
  export PGHOST="$init_socket" PGPORT=5432 PGUSER="$user" PGPASSWORD="${POSTGRES_PASSWORD:-}"
  if [ "$db" != postgres ]; then
    # psql substitutes :'db' (quoted, so any name is safe) in what it reads, not in -c strings
    exists="$(printf "SELECT 1 FROM pg_database WHERE datname = :'db';\n" | psql -X -v ON_ERROR_STOP=1 -d postgres -tA -v db="$db")"
    if [ -z "$exists" ]; then
      printf 'CREATE DATABASE :"db";\n' | psql -X -v ON_ERROR_STOP=1 -d postgres -v db="$db"
    fi
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then log "running $f"; "$f"; else log "sourcing $f"; . "$f"; fi ;;
      *.sql) log "running $f"; psql -X -v ON_ERROR_STOP=1 -d "$db" -f "$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | psql -X -v ON_ERROR_STOP=1 -d "$db" ;;
      *.sql.xz) log "running $f"; xzcat "$f" | psql -X -v ON_ERROR_STOP=1 -d "$db" ;;
      *) log "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGHOST PGPORT PGUSER PGPASSWORD
  rmdir "$init_socket" 2>/dev/null || true
  log ""
  log "PostgreSQL init process complete; ready for start up."
  log ""
}

if [ -s "$PGDATA/PG_VERSION" ]; then
  log "PostgreSQL Database directory appears to contain a database; Skipping initialization"
else
  init_database
fi

# PID 1 stays this shell so that SIGTERM can become a fast shutdown (see the header).
"$@" &
server=$!
trap 'kill -INT "$server" 2>/dev/null' TERM INT
trap 'kill -QUIT "$server" 2>/dev/null' QUIT
set +e
while :; do
  wait "$server"
  code=$?
  # wait returns early (>128) when a trapped signal arrives; the server is then still shutting down
  kill -0 "$server" 2>/dev/null && continue
  if [ "$code" -gt 128 ]; then
    wait "$server" 2>/dev/null
    again=$?
    [ "$again" = 127 ] || code=$again
  fi
  exit "$code"
done
