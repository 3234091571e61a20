#!/bin/sh
# Run (sourced) by the sandbox postgres image's entrypoint after initdb, with the temporary server that
# listens on no TCP address: the `dependencies` scenario's slow first start (DEPS_SLOW_START). Postgres
# accepts connections, and pg_isready succeeds, only after it.
echo "slow-start.sh: a slow first start, sleeping 12 s"
sleep 12
