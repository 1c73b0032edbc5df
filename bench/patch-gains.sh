#!/usr/bin/env bash
# What each dependency patch of build/patches.mjs (and each bundle-level one) saves: the instructions of
# one `list --json --limit 20` run against the in-repo fake API, counted by valgrind's cachegrind (about
# ±2% from run to run, where wall time on this machine moves by ±15%), built with everything, without
# one patch at a time (CODEGENAPI_BUILD_SKIP), and plain. Median of RUNS runs each.
#   bench/patch-gains.sh            (about 10 minutes; rebuilds dist/, then restores the default build)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
command -v valgrind > /dev/null || { echo 'valgrind is needed (apt-get install valgrind)' >&2; exit 1; }

TMP=$(mktemp -d)
node --import tsx test/fake-api/main.ts --port 0 > "$TMP/fake.json" &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; rm -rf "$TMP"; npm run build > /dev/null' EXIT
while ! [ -s "$TMP/fake.json" ]; do
  kill -0 $FAKE || exit 1
  sleep 0.1 # the fake prints its address once it listens
done
mkdir -p "$TMP/home"
run_env=(env -i PATH="$PATH" HOME="$TMP/home" XDG_CACHE_HOME="$TMP/home/.cache" NO_COLOR=1
  CODEGEN_API_BASE_URL="$(node -p "require('$TMP/fake.json').url")"
  CODEGEN_API_TOKEN="$(node -p "require('$TMP/fake.json').token")"
  CODEGEN_ORG_ID="$(node -p "require('$TMP/fake.json').orgId")")

instructions() {
  local counts=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$TMP/home/.cache"
    # A first run writes the user's code cache where the build's does not serve: measure the run after it.
    "${run_env[@]}" node bin/run.js list --json --limit 20 > /dev/null
    counts+=("$("${run_env[@]}" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
      node bin/run.js list --json --limit 20 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,)")
  done
  printf '%s\n' "${counts[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

measure() { # label, build command...
  local label=$1
  shift
  "$@" > /dev/null
  printf '%-28s %6.1f M\n' "$label" "$(echo "$(instructions) / 1000000" | bc -l)"
}

printf '%-28s %8s\n' 'build' 'instructions of list --json'
printf '(node -e 0 alone: %.1f M)\n' "$(echo "$(env -i PATH="$PATH" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null node -e 0 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,) / 1000000" | bc -l)"
measure 'all patches' npm run build
for name in $(node -e "import('./build/patches.mjs').then((m) => console.log(m.PATCHES.map((p) => p.name).filter((n) => n !== 'import-through-loader').join(' ')))") \
  proxy-to-esm lazy-fs-promises unused-got-features; do
  measure "without $name" env CODEGENAPI_BUILD_SKIP="$name" npm run build
done
measure 'plain (no patch, no cache)' npm run build:plain
