#!/usr/bin/env bash
# What each dependency patch (build/patches.mjs) and bundle-level change (build/bundle.mjs) saves: the
# instructions of one `list --json --limit 20` run against the in-repo fake API, counted by valgrind's
# cachegrind. Each variant (everything but one patch, or plain) is built in a copy of the checkout, and
# its runs alternate with runs of the full build, so that a busy spell of the machine (which moves V8's
# background work, hence the counts) weighs on both alike. Prints the median of RUNS pairs for each.
#   bench/patch-gains.sh [PATCH ...]     (default: every patch, then plain; about 2 minutes a variant)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
command -v valgrind > /dev/null || { echo 'valgrind is needed (apt-get install valgrind)' >&2; exit 1; }

TMP=$(mktemp -d)
node --import tsx test/fake-api/main.ts --port 0 > "$TMP/fake.json" &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; rm -rf "$TMP"' EXIT
until [ -s "$TMP/fake.json" ]; do
  kill -0 $FAKE
  sleep 0.1 # the fake prints its address once it listens
done
fake() { node -p "require('$TMP/fake.json').$1"; }
mkdir -p "$TMP/home"
RUN_ENV=(env -i PATH="$PATH" HOME="$TMP/home" XDG_CACHE_HOME="$TMP/home/.cache" NO_COLOR=1
  CODEGEN_API_BASE_URL="$(fake url)" CODEGEN_API_TOKEN="$(fake token)" CODEGEN_ORG_ID="$(fake orgId)")

# A copy of the checkout built as asked: build_copy NAME BUILD_ARGS...
build_copy() {
  local dir=$TMP/$1
  shift
  mkdir -p "$dir"
  git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && [ "$f" != node_modules ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$dir"
  ln -s "$ROOT/node_modules" "$dir/node_modules"
  (cd "$dir" && "$@" > /dev/null)
}

instructions() { # COPY
  cd "$TMP/home" # a neutral directory, as bench/run.ts runs commands: no project config above it
  rm -rf "$TMP/home/.cache"
  # Where the build's cache does not serve, the first run writes the user's: measure the run after it.
  "${RUN_ENV[@]}" node "$1/bin/run.js" list --json --limit 20 > /dev/null
  "${RUN_ENV[@]}" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    node "$1/bin/run.js" list --json --limit 20 2>&1 > /dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
}

median() { sort -n | sed -n "$(((RUNS + 1) / 2))p"; }
mega() { echo "scale=1; $1 / 1000000" | bc; }

build_copy all npm run build
PATCHES=("$@")
[ ${#PATCHES[@]} -gt 0 ] || PATCHES=($(node -e "import('./build/patches.mjs').then((m) => console.log(m.PATCHES.map((p) => p.name).filter((n) => n !== 'import-through-loader').join(' ')))") proxy-to-esm unused-got-features plain)

base=$(env -i PATH="$PATH" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null node -e 0 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,)
printf 'node -e 0: %s M instructions\n%-30s %14s %14s %10s\n' "$(mega "$base")" variant 'full build' variant 'cost'
for name in "${PATCHES[@]}"; do
  if [ "$name" = plain ]; then build_copy "$name" npm run build:plain; else build_copy "$name" env CODEGENAPI_BUILD_SKIP="$name" npm run build; fi
  full=() variant=()
  for _ in $(seq "$RUNS"); do
    full+=("$(instructions "$TMP/all")")
    variant+=("$(instructions "$TMP/$name")")
  done
  f=$(printf '%s\n' "${full[@]}" | median)
  v=$(printf '%s\n' "${variant[@]}" | median)
  label="without $name"
  [ "$name" = plain ] && label='plain (no patch, no cache)'
  printf '%-30s %12s M %12s M %8s M   (full: %s; variant: %s)\n' "$label" "$(mega "$f")" "$(mega "$v")" "$(mega $((v - f)))" \
    "$(for x in "${full[@]}"; do printf '%s ' "$(mega "$x")"; done)" "$(for x in "${variant[@]}"; do printf '%s ' "$(mega "$x")"; done)"
  rm -rf "${TMP:?}/$name"
done
