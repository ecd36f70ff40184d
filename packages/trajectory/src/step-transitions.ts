// Each recorded step paired with what followed it (the next step's observation, or the episode's
// final observation after the last step), streamed from the step columns without decoding records.
import type { DatasetSplit } from './dataset-split.js';
import type { ExportSource } from './export-source.js';
import type { ExportEpisode, StepSummary } from './trajectory-reader.js';

/** One step and the observation that followed it. */
export interface StepTransition {
  readonly episode: ExportEpisode;
  readonly split: DatasetSplit;
  readonly step: StepSummary;
  /** The step's observation text as a JSON string literal (each text is serialised once). */
  readonly stateJson: string;
  /** The text of the observation after the action. */
  readonly nextObservationText: string;
  /** The same as a JSON string literal. */
  readonly nextStateJson: string;
  /** The next observation's discrete features as JSON text, or null. */
  readonly nextFeaturesJson: string | null;
}

/** Every step of the selected episodes with its successor, episode by episode (memory: two steps). */
export function* stepTransitions(source: ExportSource): Generator<StepTransition, void, undefined> {
  for (const episode of source.selectedEpisodes()) {
    // Counted once its first step is read: an episode without steps gives no row, so it is not exported.
    let split: DatasetSplit | undefined;
    let previous: StepSummary | undefined;
    let previousJson = '';
    for (const step of source.stepSummaries(episode.id)) {
      split ??= source.take(episode);
      const stateJson = JSON.stringify(step.observationText);
      if (previous !== undefined) {
        yield { episode, split, step: previous, stateJson: previousJson, nextObservationText: step.observationText, nextStateJson: stateJson, nextFeaturesJson: step.featuresJson };
      }
      previous = step;
      previousJson = stateJson;
    }
    if (previous === undefined || split === undefined) {
      source.note('episodes left out: no steps recorded');
      continue;
    }
    const final = episode.finalObservation;
    const nextObservationText = final?.text ?? '';
    yield {
      episode,
      split,
      step: previous,
      stateJson: previousJson,
      nextObservationText,
      nextStateJson: JSON.stringify(nextObservationText),
      nextFeaturesJson: final?.features === undefined ? null : JSON.stringify(final.features),
    };
  }
}

/** Features JSON as a JSONL row holds them (an object) or a Parquet row does (JSON text). */
export function featuresValue(featuresJson: string | null, asText: boolean): unknown {
  if (featuresJson === null) return null;
  return asText ? featuresJson : (JSON.parse(featuresJson) as unknown);
}

/**
 * JSON Lines for transitions, built by splicing: the episode's fields are serialised once per
 * episode (`episodeFields`), each observation text once, features JSON is copied as stored.
 * `line(transition, episodePrefix)` must produce what `JSON.stringify` of the row value would.
 */
export function* transitionLines(
  source: ExportSource,
  episodeFields: (episode: ExportEpisode) => string,
  line: (transition: StepTransition, episodePrefix: string) => string,
): Generator<{ readonly split: DatasetSplit; readonly line: string }, void, undefined> {
  let episodeId = -1;
  let prefix = '';
  for (const transition of stepTransitions(source)) {
    if (transition.episode.id !== episodeId) {
      episodeId = transition.episode.id;
      prefix = episodeFields(transition.episode);
    }
    yield { split: transition.split, line: line(transition, prefix) };
  }
}

/** JSON text of a number as JSON.stringify writes it (NaN and infinities as null). */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
