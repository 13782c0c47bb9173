#!/usr/bin/env bash
# Keyward from the shell: create a key for an integration, call with it, verify it, revoke it.
#   KEYWARD_URL=http://127.0.0.1:8080 KEYWARD_API_KEY=kw_live_… examples/curl.sh
set -euo pipefail
: "${KEYWARD_URL:?set KEYWARD_URL}" "${KEYWARD_API_KEY:?set KEYWARD_API_KEY (a key with keys:write and keys:verify)}"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# 1. Create a key (the full key is in this answer only).
created=$(curl -sf -X POST "$KEYWARD_URL/v1/keys" \
  -H "Authorization: Api-Key $KEYWARD_API_KEY" -H 'content-type: application/json' \
  -d '{"name":"curl example","scopes":["process:start"]}')
key=$(echo "$created" | json "['key']")
id=$(echo "$created" | json "['id']")
echo "created $id"

# 2. Verify it, as the platform's services do.
curl -sf -X POST "$KEYWARD_URL/v1/verify" \
  -H "Authorization: Api-Key $KEYWARD_API_KEY" -H 'content-type: application/json' \
  -d "{\"key\":\"$key\",\"scopes\":[\"process:start\"]}" | json "['code']"

# 3. Revoke it; it fails at once.
curl -sf -X DELETE "$KEYWARD_URL/v1/keys/$id" -H "Authorization: Api-Key $KEYWARD_API_KEY" > /dev/null
curl -sf -X POST "$KEYWARD_URL/v1/verify" \
  -H "Authorization: Key=$KEYWARD_API_KEY" -H 'content-type: application/json' \
  -d "{\"key\":\"$key\"}" | json "['code']"
