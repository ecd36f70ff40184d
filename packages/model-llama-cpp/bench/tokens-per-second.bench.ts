// Generated tokens per second of LlamaCppModel on the testkit's tiny GGUF (random weights, so
// only throughput means anything) at 1, 4 and 8 requests in flight (one sequence each), free text
// and grammar-constrained. Run: pnpm --filter @worldloop/model-llama-cpp bench. Figures only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateRequest } from '@worldloop/spec';
import { writeTinyGguf, type TinyGgufOptions } from '@worldloop/testkit';
import { LlamaCppModel } from '../src/index.js';

const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const threadCounts = (process.env['BENCH_THREADS'] ?? '1').split(',').map(Number);
const inFlightCounts = (process.env['BENCH_IN_FLIGHT'] ?? '1,4,8').split(',').map(Number);
const shape: TinyGgufOptions = process.env['BENCH_SHAPE'] ? (JSON.parse(process.env['BENCH_SHAPE']) as TinyGgufOptions) : {};
const gpu = process.env['BENCH_GPU'] === 'auto' ? 'auto' : false;

// Free text ends wherever the random model samples `</s>` (often within a few tokens); the
// grammar run forces a 120-character string, so every request generates 120+ tokens.
const modes: Record<string, (label: string) => GenerateRequest> = {
  'free text': (label) => ({ messages: [{ role: 'system', content: 'Bench.' }, { role: 'user', content: `${label}: write.` }], sampling: { maxTokens: 128 } }),
  grammar: (label) => ({
    messages: [{ role: 'system', content: 'Bench.' }, { role: 'user', content: `${label}: write.` }],
    responseSchema: { type: 'object', properties: { note: { type: 'string', minLength: 120, maxLength: 120 } } },
    sampling: { maxTokens: 1024 },
  }),
};

const directory = mkdtempSync(join(tmpdir(), 'worldloop-llama-bench-'));
const modelPath = join(directory, 'tiny.gguf');
const file = await writeTinyGguf(modelPath, shape);
console.log(`model: ${(file.parameterCount / 1e6).toFixed(1)}M parameters, ${(file.bytes / 1e6).toFixed(1)} MB, gpu ${gpu}; ${rounds} rounds of N requests at once`);
console.log('mode       threads  in flight  generated tok/s  ratio to 1  tokens/request  prompt tok/s');
try {
  for (const [mode, request] of Object.entries(modes)) {
    for (const threads of threadCounts) {
      let single = 0;
      for (const inFlight of inFlightCounts) {
        const model = await LlamaCppModel.load({ modelPath, gpu, threads, chatWrapper: 'general', sequences: inFlight, contextTokens: 2048 });
        await model.generate(request('warm-up'));
        let generated = 0;
        let prompted = 0;
        let requests = 0;
        const started = performance.now();
        for (let round = 0; round < rounds; round++) {
          const results = await Promise.all(Array.from({ length: inFlight }, (_, index) => model.generate(request(`Request ${round}-${index}`))));
          for (const result of results) {
            generated += result.usage!.completionTokens;
            prompted += result.usage!.promptTokens - (result.usage!.cachedPromptTokens ?? 0);
            requests++;
          }
        }
        const seconds = (performance.now() - started) / 1000;
        const tokensPerSecond = generated / seconds;
        if (single === 0) single = tokensPerSecond;
        console.log(
          [mode.padEnd(9), String(threads).padStart(7), String(inFlight).padStart(9), tokensPerSecond.toFixed(0).padStart(15), (tokensPerSecond / single).toFixed(2).padStart(10), (generated / requests).toFixed(0).padStart(14), (prompted / seconds).toFixed(0).padStart(12)].join('  '),
        );
        await model.close();
      }
    }
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
