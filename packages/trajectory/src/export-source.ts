// What a format reads during an export: the selected episodes with their split, their steps, and
// counters every format shares (episodes, steps, successes per split; notes for the dataset card).
import type { StepRecord } from '@worldloop/spec';
import { datasetSplit, type DatasetSplit } from './dataset-split.js';
import type { ExportFilter } from './export-filter.js';
import type { EpisodeFamily, ExportEpisode, StepSummary, TrajectoryReader } from './trajectory-reader.js';

/** Counts of one split. */
export interface SplitCounts {
  episodes: number;
  steps: number;
  successes: number;
}

/** The selection of one export, with the counts the dataset card reports. */
export class ExportSource {
  readonly filter: ExportFilter;
  readonly validationFraction: number;
  /** Counts of the episodes a format took, by split. */
  readonly counts: Record<DatasetSplit, SplitCounts> = { train: emptyCounts(), validation: emptyCounts() };
  /** Runs the exported episodes come from. */
  readonly runIds = new Set<number>();
  /** Facts for the card's notes, each with how many rows it concerns. */
  readonly notes = new Map<string, number>();
  readonly #reader: TrajectoryReader;

  constructor(reader: TrajectoryReader, filter: ExportFilter, validationFraction: number) {
    this.#reader = reader;
    this.filter = filter;
    this.validationFraction = validationFraction;
  }

  /** The selected episodes, not counted: a format counts those it writes with `take`. */
  *selectedEpisodes(): Generator<ExportEpisode, void, undefined> {
    yield* this.#reader.episodes(this.filter);
  }

  /** Counts `episode` as exported and returns its split. */
  take(episode: ExportEpisode): DatasetSplit {
    const split = this.splitOf(episode);
    const counts = this.counts[split];
    counts.episodes++;
    counts.steps += episode.stepCount;
    if (episode.success) counts.successes++;
    this.runIds.add(episode.runId);
    return split;
  }

  /** The split of an episode, without counting it. */
  splitOf(episode: ExportEpisode): DatasetSplit {
    return datasetSplit(episode, this.validationFraction);
  }

  /** One episode by id. */
  episode(episodeId: number): ExportEpisode | undefined {
    return this.#reader.episode(episodeId);
  }

  steps(episodeId: number): Iterable<StepRecord> {
    return this.#reader.steps(episodeId);
  }

  stepSummaries(episodeId: number): Iterable<StepSummary> {
    return this.#reader.stepSummaries(episodeId);
  }

  families(): Iterable<EpisodeFamily> {
    return this.#reader.episodeFamilies(this.filter);
  }

  /** Records a fact for the card (`3 conversations built from observations`), counted. */
  note(fact: string, count = 1): void {
    this.notes.set(fact, (this.notes.get(fact) ?? 0) + count);
  }
}

function emptyCounts(): SplitCounts {
  return { episodes: 0, steps: 0, successes: 0 };
}
