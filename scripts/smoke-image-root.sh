#!/usr/bin/env bash
# Start the runtime tree built by scripts/build-image-root.sh as the image would (node
# dist/server.js, production dependencies only, no Redis: single-instance mode), check
# /healthz (the image's HEALTHCHECK), then SIGTERM it and expect a clean exit.
set -euo pipefail
ROOT="$(cd "${1:?usage: scripts/smoke-image-root.sh ROOT}" && pwd)"
# The default policy bundle the app evaluates codify patches with (src/policy-engine/engine.ts).
[ -s "$ROOT/policies/dist/policy.wasm" ] || { echo "no policies/dist/policy.wasm in $ROOT"; exit 1; }
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
KEY="$(mktemp)"
LOG="$(mktemp)"
trap 'rm -f "$KEY" "$LOG"' EXIT
node -e 'const {generateKeyPairSync}=require("crypto");process.stdout.write(generateKeyPairSync("rsa",{modulusLength:2048,privateKeyEncoding:{type:"pkcs1",format:"pem"},publicKeyEncoding:{type:"spki",format:"pem"}}).privateKey)' >"$KEY"

(cd "$ROOT" && exec env -i PATH="$PATH" NODE_ENV=production APP_ID=1 PRIVATE_KEY_PATH="$KEY" \
  WEBHOOK_SECRET=smoke HOST=127.0.0.1 PORT="$PORT" node dist/server.js >"$LOG" 2>&1) &
PID=$!
for _ in $(seq 1 150); do
  if node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then cat "$LOG"; echo "the server exited"; exit 1; fi
  sleep 0.2
done
node -e "fetch('http://127.0.0.1:$PORT/healthz').then(async r=>{console.log('/healthz', r.status, await r.text());process.exit(r.ok?0:1)})"
grep -q 'single-instance mode' "$LOG" || { cat "$LOG"; echo 'no "single-instance mode" line'; exit 1; }
[ "$(grep -c 'single-instance mode' "$LOG")" = 1 ] || { cat "$LOG"; echo 'said "single-instance mode" more than once'; exit 1; }
kill -TERM "$PID"
wait "$PID"
echo "smoke test passed: started, healthy, said single-instance mode once, stopped on SIGTERM"
