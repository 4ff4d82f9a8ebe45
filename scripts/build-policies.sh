#!/usr/bin/env bash
# Compiles driftgate's default Rego policies (policies/driftgate/) to the WebAssembly module
# the app and the CLI evaluate in-process: policies/dist/policy.wasm (committed).
#
#   scripts/build-policies.sh          test the policies, then rebuild policy.wasm
#   scripts/build-policies.sh --check  also fail when the committed policy.wasm differs
#
# Needs `opa` on PATH (OPA 1.22.2: go install github.com/open-policy-agent/opa@v1.22.2).
# The build is deterministic for a given OPA version, so CI rebuilds and compares.
set -euo pipefail
cd "$(dirname "$0")/.."
OPA="${OPA:-opa}"
ENTRYPOINT="driftgate/findings"

"$OPA" fmt --fail -l policies/ >/dev/null || {
  echo "policies/ is not opa fmt formatted: run $OPA fmt -w policies/" >&2
  exit 1
}
"$OPA" test policies/

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# Only the policies themselves (tests stay out), from a relative path: the module records
# file names, so the same sources give the same bytes wherever the checkout is.
"$OPA" build -t wasm -e "$ENTRYPOINT" --ignore '*_test.rego' -o "$WORK/bundle.tar.gz" policies/driftgate
tar -xzf "$WORK/bundle.tar.gz" -C "$WORK" --no-same-owner /policy.wasm 2>/dev/null ||
  tar -xzf "$WORK/bundle.tar.gz" -C "$WORK" policy.wasm

mkdir -p policies/dist
if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$WORK/policy.wasm" policies/dist/policy.wasm; then
    echo "policies/dist/policy.wasm is not what policies/ compiles to: run scripts/build-policies.sh and commit it" >&2
    exit 1
  fi
  echo "policies/dist/policy.wasm matches policies/"
  # The same answer from OPA itself and from the wasm as driftgate runs it (opa-wasm, node).
  "$OPA" eval --format json -d policies/driftgate --ignore '*_test.rego' \
    -i policies/testdata/input.json 'data.driftgate.findings' |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s).result[0].expressions[0].value;console.log(JSON.stringify(v.map(f=>JSON.stringify(Object.fromEntries(Object.entries(f).sort()))).sort()))})' \
    >"$WORK/opa.json"
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { loadPolicy } from "@open-policy-agent/opa-wasm";
    const policy = await loadPolicy(readFileSync("policies/dist/policy.wasm"));
    const input = JSON.parse(readFileSync("policies/testdata/input.json", "utf8"));
    const [{ result }] = policy.evaluate(input, "driftgate/findings");
    console.log(JSON.stringify(result.map((f) => JSON.stringify(Object.fromEntries(Object.entries(f).sort()))).sort()));
  ' >"$WORK/wasm.json"
  if ! cmp -s "$WORK/opa.json" "$WORK/wasm.json" || [ "$(cat "$WORK/wasm.json")" = "[]" ]; then
    echo "opa eval and the wasm disagree on policies/testdata/input.json:" >&2
    cat "$WORK/opa.json" "$WORK/wasm.json" >&2
    exit 1
  fi
  echo "opa eval and policy.wasm agree on policies/testdata/input.json ($(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).length)' "$WORK/wasm.json") findings)"
else
  cp "$WORK/policy.wasm" policies/dist/policy.wasm
  echo "wrote policies/dist/policy.wasm ($(wc -c <policies/dist/policy.wasm) bytes)"
fi
