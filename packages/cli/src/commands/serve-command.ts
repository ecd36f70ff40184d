// `worldloop serve`: serves an environment over the AgentGym HTTP protocol until Ctrl-C (or the
// abort signal), so AgentGym's Python clients and `agentgym:` ids can drive it.
import { EnvironmentServer } from '@worldloop/environment-server';
import { ConfigError } from '@worldloop/spec';
import type { CliIo } from '../cli-io.js';
import { defaultEnvironments } from '../default-environments.js';
import { integerOption, requiredOption } from '../option-values.js';

/** Flags of `worldloop serve`. */
export interface ServeFlags {
  readonly env?: string;
  readonly port?: string;
  readonly host?: string;
  readonly 'max-instances'?: string;
  readonly 'idle-timeout-s'?: string;
  readonly 'max-steps'?: string;
}

/** Serves until `signal` aborts; returns 0 after a clean stop. */
export async function serveCommand(io: CliIo, flags: ServeFlags, signal: AbortSignal): Promise<number> {
  const environmentId = requiredOption('env', flags.env, 'Run `worldloop envs` to list environments.');
  const port = integerOption('port', flags.port, 36001, { min: 0, max: 65535 });
  const host = flags.host ?? '127.0.0.1';
  const maxInstances = integerOption('max-instances', flags['max-instances'], 1024, { min: 1, max: 1_000_000 });
  const idleTimeoutSeconds = integerOption('idle-timeout-s', flags['idle-timeout-s'], 600, { min: 1, max: 30 * 24 * 3600 });
  const maxSteps = flags['max-steps'] === undefined ? undefined : integerOption('max-steps', flags['max-steps'], 0, { min: 1 });
  const spec = defaultEnvironments().get(environmentId);
  const server = new EnvironmentServer({
    spec,
    maxInstances,
    idleTimeoutMs: idleTimeoutSeconds * 1000,
    ...(maxSteps !== undefined ? { environmentOptions: { maxSteps } } : {}),
  });
  const address = await server.listen({ port, host }).catch((error: unknown) => {
    throw listenError(error, host, port);
  });
  io.stdout.write(
    `serving ${spec.id} on ${address.url} over the AgentGym protocol (up to ${maxInstances} instances, idle ones closed after ${idleTimeoutSeconds} s)\n` +
      `clients: agentgym:${address.url}#${spec.id} in worldloop, or an AgentGym client with env_server_base=${address.url}; Ctrl-C stops\n`,
  );
  try {
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await server.close();
  }
  io.stdout.write(`stopped serving ${spec.id}\n`);
  return 0;
}

/** A listen failure the flags caused (a host that is not this machine's, a port not ours to take) as a usage error naming the flag. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') {
    return new ConfigError(`Cannot listen on --host ${host}: ${code} (not an address of this machine; 127.0.0.1 serves locally, 0.0.0.0 on every interface).`, { cause: error });
  }
  if (code === 'EACCES') return new ConfigError(`Cannot listen on --port ${port} on ${host}: EACCES (ports below 1024 need privileges; pick another --port).`, { cause: error });
  return error;
}
