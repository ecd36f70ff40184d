// `worldloop envs`: lists the registered environments with their descriptions.
import type { CliIo } from '../cli-io.js';
import { defaultEnvironments } from '../default-environments.js';
import { formatTable } from '../text-table.js';

/** Prints every registered environment. */
export async function envsCommand(io: CliIo): Promise<number> {
  const specs = defaultEnvironments().list();
  io.stdout.write(formatTable(['id', 'expert', 'description'], specs.map((spec) => [spec.id, spec.hasExpert ? 'yes' : 'no', spec.description])));
  return 0;
}
