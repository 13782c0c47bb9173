#!/usr/bin/env bash
# The whole test suite, as CI runs it: types, lint, then unit and integration tests against
# real SQLite, PostgreSQL and Redis (see DEVELOPERS.md for starting them).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"
npm run --silent typecheck
npm run --silent typecheck -w @keyward/admin-ui
echo "== lint"
npm run --silent lint
echo "== tests"
npx vitest run "$@"
