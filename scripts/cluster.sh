#!/usr/bin/env bash
# Runs N Keyward nodes on one PostgreSQL database and one Redis, Procfile-style, on ports
# BASE_PORT … BASE_PORT+N-1. Put any HTTP load balancer in front of them.
#
#   KEYWARD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/keyward \
#   KEYWARD_REDIS_URL=redis://127.0.0.1:6379 \
#   KEYWARD_PEPPER="1:$(openssl rand -base64 32)" \
#   scripts/cluster.sh 3 8081
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-2}"
base_port="${2:-8081}"
: "${KEYWARD_DATABASE_URL:?set KEYWARD_DATABASE_URL to a postgres:// URL}"
: "${KEYWARD_REDIS_URL:?set KEYWARD_REDIS_URL to a redis:// URL}"
: "${KEYWARD_PEPPER:?set KEYWARD_PEPPER: every node must share it}"
export KEYWARD_HOST="${KEYWARD_HOST:-127.0.0.1}"

node packages/cli/bin/keyward.js migrate
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
for i in $(seq 0 $((nodes - 1))); do
  KEYWARD_PORT=$((base_port + i)) node packages/cli/bin/keyward.js serve 2>&1 | sed -u "s/^/[node$i] /" &
  pids+=($!)
done
wait
