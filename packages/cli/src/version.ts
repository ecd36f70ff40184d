// The worldloop version, read from this package's manifest.
import { createRequire } from 'node:module';

/** Version of the `worldloop` command, recorded with every run. */
export const WORLDLOOP_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
