#!/usr/bin/env bash
# Instructions per request of `POST /v1/verify` (cached key) and of the plain node:http server,
# counted by valgrind's callgrind on each server's main thread. Unlike requests per second, the
# count does not move with whatever else the machine is doing, so it shows what a change to the
# verify path costs or saves. Usage: bash bench/instructions-per-request.sh  (WARM, COUNT to tune)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "valgrind is not installed" >&2; exit 1; }
WARM=${WARM:-15000}
COUNT=${COUNT:-10000}
AUTOCANNON=node_modules/.bin/autocannon
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

export KEYWARD_DATA_DIR=$work KEYWARD_DATABASE_URL='' KEYWARD_LOG_LEVEL=warn
KEYWARD_PEPPER="1:$(node -e "process.stdout.write(Buffer.alloc(32, 7).toString('base64'))")"
export KEYWARD_PEPPER
field() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(s).$1))"; }
admin=$(node packages/cli/bin/keyward.js bootstrap --org Bench --email b@bench.test \
  --password 'correct horse battery' --json | field apiKey)
key=$(node packages/cli/bin/keyward.js keys create --name bench --scopes process:start --json | field key)
body="{\"key\":\"$key\",\"scopes\":[\"process:start\"]}"

# count NAME PATH -- NODE_ARGS...: prints the main thread's instructions per request.
count() {
  local name=$1 path=$2
  shift 3
  local out="$work/$name.callgrind" url=''
  PORT=0 KEYWARD_PORT=0 valgrind --tool=callgrind --smc-check=all-non-file --instr-atstart=no \
    --separate-threads=yes --callgrind-out-file="$out" node "$@" > "$work/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do
    url=$(grep -o 'listening on http://[0-9.:]*' "$work/$name.log" | head -1 | cut -d' ' -f3) || true
    [ -n "$url" ] && break
    sleep 0.5
  done
  [ -n "$url" ] || { echo "$name did not start: $(tail -5 "$work/$name.log")" >&2; exit 1; }
  local load=(-c 10 -m POST -H content-type=application/json -H "authorization=Api-Key $admin" -b "$body")
  "$AUTOCANNON" "${load[@]}" -a "$WARM" "$url$path" > /dev/null 2>&1
  callgrind_control -i on "$pid" > /dev/null 2>&1
  "$AUTOCANNON" "${load[@]}" -a "$COUNT" "$url$path" > /dev/null 2>&1
  callgrind_control -i off "$pid" > /dev/null 2>&1
  kill -INT "$pid"
  wait "$pid" || true
  local total
  total=$(grep '^totals:' "$out-01" | awk '{print $2}')
  echo $((total / COUNT))
}

plain=$(count plain / -- --import tsx bench/plain-server.ts)
keyward=$(count keyward /v1/verify -- packages/cli/bin/keyward.js serve)
echo "instructions per request (main thread, $COUNT requests after $WARM):"
echo "  plain node:http   $plain"
echo "  POST /v1/verify   $keyward"
node -e "console.log('  plain / Keyward   ' + ($plain / $keyward).toFixed(3))"
