// Writes the GGUF the GPU throughput bench runs on, with testkit's writer (random weights: only
// throughput means anything). `tiny` is the CPU check's model; `half-billion` is Qwen2.5-0.5B's
// transformer shape (~358M weights, ~717 MB in F16), written on the GPU machine, never committed.
// Run: pnpm tsx bench/gpu/write-bench-gguf.ts <path> [tiny|half-billion] [F16|Q8_0]
import { halfBillionParameterGgufShape, writeTinyGguf, type TinyGgufOptions, type TinyGgufWeightType } from '@worldloop/testkit';

const shapes: Record<string, TinyGgufOptions> = {
  tiny: { embeddingLength: 128, layers: 2, heads: 4, feedForwardLength: 512, contextLength: 8192 },
  'half-billion': halfBillionParameterGgufShape,
};

const [path, shapeName = 'tiny', weightType = 'F16'] = process.argv.slice(2);
const shape = shapes[shapeName];
if (path === undefined || shape === undefined || !['F16', 'F32', 'Q8_0'].includes(weightType)) {
  console.error(`usage: write-bench-gguf <path> [${Object.keys(shapes).join('|')}] [F16|F32|Q8_0]`);
  process.exit(2);
}
const startedAt = performance.now();
const file = await writeTinyGguf(path, { ...shape, weightType: weightType as TinyGgufWeightType, name: `worldloop-bench-${shapeName}` });
console.log(
  JSON.stringify({
    path: file.path,
    shape: shapeName,
    weightType,
    parameters: file.parameterCount,
    bytes: file.bytes,
    vocabularySize: file.vocabularySize,
    seconds: Math.round((performance.now() - startedAt) / 100) / 10,
  }),
);
