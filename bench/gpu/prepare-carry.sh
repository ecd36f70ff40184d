#!/usr/bin/env bash
# Builds what run-on-h200.sh needs on the GPU machine, which has no Node and no npm, into
# bench/gpu/carry/ (ignored by git; name it in the device call's `carry`):
#   node.xz          this machine's /usr/bin/node, stripped, xz-compressed (~22 MB; the device is x86-64 too)
#   runtime.tar.xz   wl/bench/*.mjs: the bench and the GGUF writer bundled by esbuild (workspace code
#                    inlined, node-llama-cpp left external); wl/node_modules: node-llama-cpp 3.21.1 and
#                    the packages it needs (pnpm layout, relative links), without the @node-llama-cpp/*
#                    prebuilt binaries and without typescript; its llama/gitRelease.bundle (35 MB,
#                    llama.cpp's sources as a git bundle) is what `source download` unpacks offline.
# Run from anywhere: bash bench/gpu/prepare-carry.sh  (about 2 minutes on 2 cores; xz is the slow part).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/../.." && pwd)
carry="$here/carry"
staging=$(mktemp -d /tmp/worldloop-gpu-carry.XXXXXX)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$carry" "$staging/wl/bench" "$staging/wl/node_modules/.pnpm"

package=$(readlink -f "$repository/bench/node_modules/node-llama-cpp")
version=$(node -p "require('$package/package.json').version")
[ "$version" = "3.21.1" ] || { echo "expected node-llama-cpp 3.21.1, found $version at $package" >&2; exit 1; }
[ -f "$package/llama/gitRelease.bundle" ] || { echo "no llama/gitRelease.bundle in $package: source download would need the network" >&2; exit 1; }
if [ -e "$package/llama/llama.cpp" ] || [ -e "$package/llama/localBuilds" ]; then
  echo "note: $package has llama/llama.cpp or llama/localBuilds; they are left out" >&2
fi

echo "1/3 bundling the bench with esbuild"
"$repository/bench/node_modules/.bin/esbuild" \
  "$here/gpu-throughput.bench.ts" "$here/write-bench-gguf.ts" \
  --bundle --platform=node --format=esm --target=node20 --external:node-llama-cpp \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" \
  --out-extension:.js=.mjs --outdir="$staging/wl/bench" --log-level=warning

echo "2/3 collecting node-llama-cpp and what it needs"
# Every package directory reachable from node-llama-cpp through dependencies, optionalDependencies
# and peerDependencies that are installed, as entries of node_modules/.pnpm (the folder holding the
# package and the links to its own dependencies).
node --input-type=module - "$package" > "$staging/entries.txt" <<'NODE'
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
const start = realpathSync(process.argv[2]);
const store = start.slice(0, start.indexOf(`${sep}.pnpm${sep}`) + `${sep}.pnpm`.length);
const skipped = (name) => name.startsWith('@node-llama-cpp/') || name === 'typescript';
const seen = new Set();
const entries = new Set();
const pending = [start];
while (pending.length > 0) {
  const directory = pending.pop();
  if (seen.has(directory)) continue;
  seen.add(directory);
  entries.add(relative(store, directory).split(sep)[0]);
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  // In pnpm's layout a package's dependencies are links beside it: <entry>/node_modules/<name>.
  const modules = directory.slice(0, directory.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies })) {
    if (skipped(name)) continue;
    const linked = join(modules, name);
    if (existsSync(linked)) pending.push(realpathSync(linked));
  }
}
console.log(store);
for (const entry of [...entries].sort()) console.log(entry);
NODE
store=$(head -1 "$staging/entries.txt")
tail -n +2 "$staging/entries.txt" > "$staging/entry-names.txt"
echo "   $(wc -l < "$staging/entry-names.txt") packages from $store"
tar -C "$store" -cf - --exclude='*/node-llama-cpp/llama/llama.cpp' --exclude='*/node-llama-cpp/llama/localBuilds' \
-T "$staging/entry-names.txt" | tar -C "$staging/wl/node_modules/.pnpm" -xf -
entry=$(basename "$(dirname "$(dirname "$package")")")
ln -s ".pnpm/$entry/node_modules/node-llama-cpp" "$staging/wl/node_modules/node-llama-cpp"

echo "3/3 compressing (xz)"
tar -C "$staging" -cf - wl | xz -T2 -6 > "$carry/runtime.tar.xz"
if [ ! -f "$carry/node.xz" ] || [ /usr/bin/node -nt "$carry/node.xz" ]; then
  strip -o "$staging/node" /usr/bin/node 2>/dev/null || cp /usr/bin/node "$staging/node"
  xz -T2 -9 -c "$staging/node" > "$carry/node.xz"
fi
node --version > "$carry/node-version.txt"
ls -l "$carry"
du -cb "$carry"/* | tail -1 | awk '{ printf "carry: %.1f MiB of the 64 MiB the working tree and carried paths may take together\n", $1 / 1048576 }'
