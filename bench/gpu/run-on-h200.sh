#!/usr/bin/env bash
# The one prepared script for the GPU machine (one H200, 16 cores, CUDA, cmake, ninja, g++, git; no
# Node, no npm, no network): unpacks the carried Node and bench runtime (bench/gpu/prepare-carry.sh),
# unpacks llama.cpp from node-llama-cpp's bundled git release offline, builds node-llama-cpp for CUDA
# through an npm shim, builds llama.cpp's llama-server in the same CMake tree (same sources, the ggml
# and llama objects already compiled), writes a GGUF of Qwen2.5-0.5B's shape with testkit's writer,
# then runs bench/gpu/gpu-throughput.bench at 1, 8 and 64 episodes in flight in-process and against
# the server. Every figure and log goes to $OUT (at most 8 files come back). Stops itself after
# BUDGET_S seconds (default 570) so the device call (timeout_s 600) returns what it measured.
#
# Checked on the CPU machine (2026-11-28; bench/gpu/README.md has the details):
#  - quick check (WORLDLOOP_GPU_CHECK_HERE=1) in a network namespace with no network: unpacking
#    node.xz and runtime.tar.xz, `source download --skipBuild` offline from the bundle, `source build`
#    through the npm shim up to CMake's configure (node-api-headers from the carry: no header
#    download), the second configure with the server options defining `llama-server`;
#  - the whole script with GPU=false MODEL_SHAPE=tiny on 2 cores, offline but for loopback: the
#    addon built through the shim and found by getLlama() (same NODE_LLAMA_CPP_CMAKE_OPTION_*), the
#    second configure changing no compile command of the first build (llama-server then compiles 72
#    more steps; the first build has 277), llama-server built in the background, started, healthy,
#    and both benches run from the bundle (in-process and against the server), files in $OUT.
# NOT checked (needs the GPU machine): the CUDA compile and its duration (~5 minutes on 16 cores, as
# reported before), nvcc and CMake there, loading the CUDA addon, llama-server with -ngl on the GPU,
# the 0.5B model's memory and speed, whether the whole fits BUDGET_S. If the build runs long, the
# benches are cut (their figures so far are kept: the JSON is rewritten after each parallelism).
#
# Usage (device): bash bench/gpu/run-on-h200.sh            (from the repository root; $OUT set)
# Usage (quick check without CUDA, ~10 s): WORLDLOOP_GPU_CHECK_HERE=1 OUT=/tmp/out bash bench/gpu/run-on-h200.sh
# Usage (whole script on the CPU, tens of minutes on 2 cores): GPU=false MODEL_SHAPE=tiny IN_FLIGHT=4,1
#   STEPS=2 BUDGET_S=3600 OUT=/tmp/out bash bench/gpu/run-on-h200.sh
set -uo pipefail

started_at=$(date +%s)
budget_s=${BUDGET_S:-570}
check_here=${WORLDLOOP_GPU_CHECK_HERE:-0}
# cuda on the device; false runs the same steps on the CPU (the dry run here).
gpu=${GPU:-cuda}
model_shape=${MODEL_SHAPE:-half-billion}
here=$(cd "$(dirname "$0")" && pwd -P)
carry=${CARRY_DIRECTORY:-$here/carry}
out=${OUT:-/tmp/worldloop-gpu-out}
work=${WORK_DIRECTORY:-/tmp/worldloop-gpu}
# 64 first: if the budget runs out, the figure lost is the one already known (1 in flight).
in_flight=${IN_FLIGHT:-64,8,1}
steps=${STEPS:-6}
max_tokens=${MAX_TOKENS:-128}
# Tokens per sequence (in-process) and per server slot: the byte-level vocabulary makes a gridworld
# prompt ~3,000 tokens at the first step and ~350 more per step, so 8,192 holds a 6-step episode
# without trimming the history.
context_tokens=${CONTEXT_TOKENS:-8192}
port=${SERVER_PORT:-18080}
jobs=$(nproc)
server_jobs=$(( jobs > 4 ? jobs - 4 : 1 ))
mkdir -p "$out" "$work/bin" "$work/shim"
exec > >(tee -a "$out/run.log") 2>&1

elapsed() { echo $(( $(date +%s) - started_at )); }
left() { echo $(( budget_s - $(elapsed) )); }
step() { echo; echo "=== [$(elapsed)s] $*"; }
fail() { echo "FAILED: $*"; echo "=== [$(elapsed)s] stopped"; exit 1; }
# cap_log FILE: a file over 15 MiB would not come back from $OUT; keep its first 1 MiB and last 13 MiB.
cap_log() {
  local size
  size=$(stat -c %s "$1" 2> /dev/null || echo 0)
  if [ "$size" -gt $((15 * 1048576)) ]; then
    { head -c 1048576 "$1"; printf '\n[... %s bytes cut ...]\n' "$((size - 14 * 1048576))"; tail -c $((13 * 1048576)) "$1"; } > "$1.capped" && mv "$1.capped" "$1"
  fi
}
# timeout_for RESERVE: seconds a step may take so that RESERVE seconds stay for the steps after it.
timeout_for() { local seconds=$(( $(left) - $1 )); [ "$seconds" -lt 10 ] && seconds=10; echo "$seconds"; }

step "machine"
date -u
nproc; free -g | head -2
if [ "$check_here" != "1" ] && [ "$gpu" = "cuda" ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || fail "nvidia-smi"
  [ -d /usr/local/cuda/bin ] && export PATH="/usr/local/cuda/bin:$PATH"
  nvcc --version | tail -2 || fail "nvcc not on PATH"
fi
cmake --version | head -1; ninja --version; g++ --version | head -1; git --version; command -v xz curl || true

step "unpack Node and the bench runtime from $carry"
# xz-utils should be there; Python's lzma is the fallback.
unxz_to() {
  if command -v xz > /dev/null; then xz -dc "$1" > "$2"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
unxz_to "$carry/node.xz" "$work/bin/node" || fail "unpack node.xz"
chmod +x "$work/bin/node"
unxz_to "$carry/runtime.tar.xz" "$work/runtime.tar" || fail "unpack runtime.tar.xz"
tar -xf "$work/runtime.tar" -C "$work" && rm "$work/runtime.tar" || fail "untar runtime"
cp "$here/npm-shim/npm" "$work/shim/npm" && chmod +x "$work/shim/npm"
export PATH="$work/shim:$work/bin:$PATH"
node --version || fail "the carried node does not run here"
package=$(cd "$work/wl/node_modules/node-llama-cpp" && pwd -P)
nlc() { node "$package/dist/cli/cli.js" "$@"; }

step "node-llama-cpp source download --skipBuild (offline, from llama/gitRelease.bundle)"
# The clone's progress bar is left out of the log.
timeout 120 node "$package/dist/cli/cli.js" source download --skipBuild --noUsageExample 2>&1 | grep -av '(local bundle)'
[ "${PIPESTATUS[0]}" = "0" ] || fail "source download"
git -C "$package/llama/llama.cpp" log -1 --format='llama.cpp %H %cd' 2>/dev/null || true

if [ "$check_here" = "1" ]; then
  model="$work/bench.gguf"
  node "$work/wl/bench/write-bench-gguf.mjs" "$model" tiny F16 || fail "write GGUF"
else
  step "writing the $model_shape-shape GGUF in the background (testkit's writer)"
  model="$work/bench-$model_shape.gguf"
  (node "$work/wl/bench/write-bench-gguf.mjs" "$model" "$model_shape" F16 > "$work/gguf.json" 2>&1; echo "exit $?" >> "$work/gguf.json") &
  gguf_pid=$!
fi

# The same custom options at build time and at load time: node-llama-cpp names its build folder
# after them, and getLlama() finds the local build by that name.
export NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES=90
export WORLDLOOP_NPM_SHIM_PARALLEL=$jobs
if [ "$check_here" = "1" ]; then
  step "source build --gpu false through the npm shim, configure only (check mode)"
  WORLDLOOP_NPM_SHIM_CONFIGURE_ONLY=1 timeout 300 node "$package/dist/cli/cli.js" source build --gpu false --noUsageExample > "$out/build-addon.log" 2>&1
  status=$?
  tail -5 "$out/build-addon.log"
  [ "$status" = "0" ] || fail "source build (configure only; log: build-addon.log)"
else
  step "source build --gpu $gpu through the npm shim (-j$jobs, CUDA architecture 90; ~5 minutes with CUDA on 16 cores)"
  # The compiler's output (thousands of warnings) goes to build-addon.log only; run.log gets its end.
  timeout "$(timeout_for 150)" node "$package/dist/cli/cli.js" source build --gpu "$gpu" --noUsageExample > "$out/build-addon.log" 2>&1
  status=$?
  cap_log "$out/build-addon.log"
  grep -aE '^\[[0-9]+/[0-9]+\]' "$out/build-addon.log" | tail -1
  grep -av 'warning' "$out/build-addon.log" | tail -8
  [ "$status" = "0" ] || fail "source build --gpu $gpu, exit $status (124: timed out; log: build-addon.log)"
fi
build=$(ls -d "$package"/llama/localBuilds/linux-x64*/ 2>/dev/null | head -1)
[ -n "$build" ] || fail "no build folder under $package/llama/localBuilds"
build=${build%/}
echo "build tree: $build"

step "configure llama-server in the same tree (same sources and objects; no web UI download)"
cmake -S "$package/llama" -B "$build" -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF > "$out/build-server.log" 2>&1 || fail "configure llama-server (log: build-server.log)"
cmake --build "$build" --target help | grep -q '^llama-server:' || fail "no llama-server target"
echo "llama-server target defined"
if [ "$check_here" = "1" ]; then
  step "check mode: stopping before the CUDA builds and the benches"
  node "$work/wl/bench/gpu-throughput.bench.mjs" 2>&1 | head -2
  echo "=== [$(elapsed)s] check done"
  exit 0
fi

# The server compiles (nice, cores - 4 jobs) while the in-process bench runs: the bench's own CPU
# work is little (one Node thread), and running them one after the other would not fit the budget.
step "building llama-server in the background (nice, -j$server_jobs)"
(nice -n 10 cmake --build "$build" --target llama-server -j "$server_jobs" >> "$out/build-server.log" 2>&1; echo "exit $?" >> "$out/build-server.log") &
server_build_pid=$!

wait "$gguf_pid"
cat "$work/gguf.json"
grep -q '^exit 0' "$work/gguf.json" || fail "write GGUF"

dmon_pid=
if [ "$gpu" = "cuda" ]; then
  nvidia-smi dmon -s u -d 1 > "$out/gpu-utilization.log" 2>&1 &
  dmon_pid=$!
fi

step "bench in-process (LlamaCppModel, gpu $gpu) at $in_flight in flight, $steps steps, maxTokens $max_tokens"
timeout "$(timeout_for 75)" node "$work/wl/bench/gpu-throughput.bench.mjs" --model "$model" --backend in-process --gpu "$gpu" \
  --in-flight "$in_flight" --steps "$steps" --max-tokens "$max_tokens" --context-tokens "$context_tokens" --json "$out/in-process.json"
echo "in-process bench exit $?"

step "waiting for the llama-server build"
while kill -0 "$server_build_pid" 2> /dev/null && [ "$(left)" -gt 50 ]; do sleep 2; done
cap_log "$out/build-server.log"
tail -3 "$out/build-server.log"
grep -q '^exit 0' "$out/build-server.log" || fail "llama-server build (log: build-server.log)"
server=$(find "$build" -name llama-server -type f -perm -u+x | head -1)
[ -n "$server" ] || fail "no llama-server binary in $build"
library_path="$(dirname "$server"):$build/bin:"
LD_LIBRARY_PATH="$library_path${LD_LIBRARY_PATH:-}" ldd "$server" | grep -E 'ggml|llama|not found' || true

step "starting $server (64 slots of $context_tokens tokens, all layers on the GPU)"
LD_LIBRARY_PATH="$library_path${LD_LIBRARY_PATH:-}" "$server" -m "$model" --host 127.0.0.1 --port "$port" -ngl 999 \
  -c $((64 * context_tokens)) -np 64 --no-webui > "$out/llama-server.log" 2>&1 &
server_pid=$!
until curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 || python3 -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=2)" 2> /dev/null; do
  kill -0 "$server_pid" 2> /dev/null || { tail -20 "$out/llama-server.log"; fail "llama-server exited"; }
  [ "$(left)" -gt 40 ] || fail "llama-server not healthy in time"
  sleep 1
done
echo "llama-server healthy at [$(elapsed)s]"

step "bench against llama-server (OpenAICompatibleModel, json-schema tool mode) at $in_flight in flight"
timeout "$(timeout_for 5)" node "$work/wl/bench/gpu-throughput.bench.mjs" --model "$model" --backend "server:http://127.0.0.1:$port/v1" \
  --in-flight "$in_flight" --steps "$steps" --max-tokens "$max_tokens" --context-tokens "$context_tokens" --json "$out/server.json"
echo "server bench exit $?"

kill "$server_pid" $dmon_pid 2> /dev/null
cap_log "$out/llama-server.log"
echo "=== [$(elapsed)s] done"
sleep 1 # let tee write the last lines of run.log
