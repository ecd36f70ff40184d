// `worldloop export`: writes recorded episodes as a training dataset (JSONL or Parquet) with a
// dataset card beside each file. Exit 2 for bad flags, a missing or newer database, an output that
// exists without --force; exit 0 with a warning on stderr when the filters match nothing.
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError } from '@worldloop/spec';
import { datasetFormat, datasetFormats, exportDataset, type ExportFilter } from '@worldloop/trajectory';
import type { CliIo } from '../cli-io.js';
import { DEFAULT_DATABASE_PATH } from '../open-store.js';
import { integerOption, numberOption, requiredOption } from '../option-values.js';

/** Flags of `worldloop export`. */
export interface ExportFlags {
  readonly format?: string;
  readonly out?: string;
  readonly db?: string;
  readonly run?: string;
  readonly env?: string;
  readonly task?: string;
  readonly 'success-only'?: boolean;
  readonly 'min-reward'?: string;
  readonly 'min-steps'?: string;
  readonly 'max-steps'?: string;
  readonly 'validation-fraction'?: string;
  readonly force?: boolean;
}

/** Exports the selected episodes and prints what was written. */
export async function exportCommand(io: CliIo, flags: ExportFlags): Promise<number> {
  const formats = datasetFormats.map((format) => format.name).join(', ');
  const format = datasetFormat(requiredOption('format', flags.format, `Formats: ${formats}.`));
  const out = requiredOption('out', flags.out, `Give the file to write, e.g. --out data/${format.name}.${format.file.kind}.`);
  const filter: ExportFilter = {
    ...(flags.run !== undefined ? { runIds: runIds(flags.run) } : {}),
    ...(flags.env !== undefined ? { environmentId: flags.env } : {}),
    ...(flags.task !== undefined ? { task: flags.task } : {}),
    ...(flags['success-only'] === true ? { successOnly: true } : {}),
    ...(flags['min-reward'] !== undefined ? { minimumReward: rewardOption(flags['min-reward']) } : {}),
    ...(flags['min-steps'] !== undefined ? { minimumSteps: integerOption('min-steps', flags['min-steps'], 0, { min: 0 }) } : {}),
    ...(flags['max-steps'] !== undefined ? { maximumSteps: integerOption('max-steps', flags['max-steps'], 0, { min: 0 }) } : {}),
  };
  const validationFraction = numberOption('validation-fraction', flags['validation-fraction'], { min: 0, max: 0.99 }) ?? 0;
  // exportDataset refuses an --out that is the database itself (or its WAL, or a link to it).
  const result = exportDataset(format, {
    databasePath: resolve(io.cwd, flags.db ?? DEFAULT_DATABASE_PATH),
    outputPath: resolve(io.cwd, out),
    filter,
    validationFraction,
    overwrite: flags.force === true,
  });
  const shown = (path: string): string => {
    const local = relative(io.cwd, path);
    return local.startsWith('..') || isAbsolute(local) ? path : local;
  };
  for (const file of result.files) {
    const counts = result.counts[file.split];
    io.stdout.write(`${file.split}: ${shown(file.path)}: ${file.rows} ${format.rowUnit}${file.rows === 1 ? '' : 's'} from ${counts.episodes} episodes (card: ${shown(file.cardPath)})\n`);
  }
  for (const path of result.companionPaths) io.stdout.write(`updated ${shown(path)}\n`);
  if (result.warning !== undefined) io.stderr.write(`worldloop: warning: ${result.warning}\n`);
  return 0;
}

/** `--min-reward X`: any finite number. */
function rewardOption(value: string): number {
  const reward = Number(value);
  if (value.trim() === '' || !Number.isFinite(reward)) throw new ConfigError(`--min-reward must be a number (e.g. 0.5), got ${JSON.stringify(value)}.`);
  return reward;
}

/** `--run 3` or `--run 3,4`: run ids. */
function runIds(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part) || Number(part) < 1)) {
    throw new ConfigError(`--run must be a run id or ids separated by commas (e.g. 3 or 3,4), got ${JSON.stringify(value)}.`);
  }
  return parts.map(Number);
}
