// The dataset card (Markdown) written beside every exported file: where the data comes from, how
// much of it there is, how it was selected and split, what a row holds, and what the metrics mean.
import { basename } from 'node:path';
import type { RunRecord } from '@worldloop/spec';
import type { DatasetFormat } from './dataset-format.js';
import { describeFilter } from './export-filter.js';
import type { ExportSource } from './export-source.js';
import type { ExportedFile } from './export-dataset.js';

/** Everything a card reports. */
export interface DatasetCardInput {
  readonly format: DatasetFormat;
  /** The file this card describes. */
  readonly file: ExportedFile;
  /** Every file of the export (train, validation). */
  readonly files: readonly ExportedFile[];
  readonly source: ExportSource;
  readonly runs: readonly RunRecord[];
  readonly databasePath: string;
  readonly date: Date;
  /** Why the export is empty, when it is. */
  readonly warning?: string;
}

/** The card's Markdown. */
export function datasetCard(input: DatasetCardInput): string {
  const { format, file, files, source, runs } = input;
  const lines: string[] = [];
  lines.push(`# ${basename(file.path)}: worldloop \`${format.name}\` dataset (${file.split} split)`, '');
  lines.push(`Exported from \`${input.databasePath}\` on ${input.date.toISOString()}. One row is one ${format.rowUnit}.`, '');
  if (input.warning !== undefined) lines.push(`**Empty export.** ${input.warning}`, '');

  lines.push('## Counts', '');
  lines.push(`| split | file | rows (${format.rowUnit}s) | episodes | steps | successful episodes | success rate |`, '|---|---|---|---|---|---|---|');
  for (const each of files) {
    const counts = source.counts[each.split];
    lines.push(`| ${each.split} | ${basename(each.path)} | ${each.rows} | ${counts.episodes} | ${counts.steps} | ${counts.successes} | ${rate(counts.successes, counts.episodes)} |`);
  }
  lines.push('');
  lines.push(
    'Success means the environment reported the task achieved (`info.success` at the last step). Reward is the sum of the',
    "environment's per-step rewards; it is not success (an episode can earn reward and fail, or succeed with little). Steps",
    'are the episodes\' recorded steps, refused actions included.',
    '',
  );

  lines.push('## Source runs', '');
  if (runs.length === 0) lines.push('None: no episode was exported.', '');
  else {
    lines.push('| run | environment | policy | status | episodes requested | base seed | worldloop | git commit |', '|---|---|---|---|---|---|---|---|');
    for (const run of runs) {
      lines.push(`| ${run.id} | ${run.environmentId} | ${run.policy} | ${run.status} | ${run.episodesRequested} | ${run.baseSeed} | ${run.worldloopVersion} | ${run.gitCommit ?? 'unknown'} |`);
    }
    lines.push('');
  }

  lines.push('## Selection', '');
  for (const condition of ['finished episodes only', 'the latest attempt of each resumed episode', ...describeFilter(source.filter)]) lines.push(`- ${condition}`);
  lines.push('');

  lines.push('## Split', '');
  if (source.validationFraction === 0) lines.push('No validation split: every row is in this one file.', '');
  else {
    lines.push(
      `Deterministic, not random: an episode goes to validation when the first 32 bits of SHA-256 of "environment id, NUL, seed",`,
      `over 2^32, fall below ${source.validationFraction}. Episodes of the same task (same environment and seed, from any run or`,
      'policy) always fall on the same side, and re-exporting gives the same split.',
      '',
    );
  }

  lines.push('## Format', '', format.description, '');
  lines.push('## Schema', '', format.schema, '');
  if (source.notes.size > 0) {
    lines.push('## Notes', '');
    for (const [fact, count] of source.notes) lines.push(`- ${fact}: ${count}`);
    lines.push('');
  }
  return lines.join('\n');
}

function rate(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}
