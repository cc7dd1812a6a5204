#!/bin/sh
# The image's entrypoint: migrations first, then the command.
#
# `singlewindow serve` and `singlewindow worker` need the database at the code's schema,
# so the entrypoint runs `singlewindow db upgrade` (a no-op when it is there already)
# before them. Set MIGRATE_ON_START=false where a one-off job migrates instead, e.g. when
# several replicas start at once (deploy/compose.yaml does so).
set -eu

if [ "${MIGRATE_ON_START:-true}" = "true" ] && [ "${1:-}" = "singlewindow" ]; then
    case "${2:-}" in
        serve | worker) singlewindow db upgrade ;;
    esac
fi

exec "$@"
