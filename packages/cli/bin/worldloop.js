#!/usr/bin/env node
// Entry point of the `worldloop` command: loads the TypeScript sources through tsx's ESM hook.
import { register } from 'tsx/esm/api';

// A reader that goes away (`worldloop show 1 | head`) is not an error: stop writing, finish quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
