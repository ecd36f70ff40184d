#!/usr/bin/env node
// Entry point of the `worldloop` command: loads the TypeScript sources through tsx's ESM hook.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
