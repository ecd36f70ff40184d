// Ranks recall candidates: each component min-max normalised over the candidate set, then the
// weighted mean. Ties go to the later-written memory. Pure arithmetic, no SQL.
import type { RecallWeights } from '@worldloop/spec';

/** The four component values of one candidate, raw or normalised. */
export interface ComponentScores {
  lexical: number;
  vector: number;
  recency: number;
  importance: number;
}

/** A candidate as the ranking sees it. */
export interface RankingCandidate {
  /** Raw component values: -bm25 (0 without a match), cosine similarity, decayed age, importance. */
  readonly raw: ComponentScores;
  /** Tie-break, larger first (the memory's id: later-written first). */
  readonly order: number;
}

/** A ranked candidate with its normalised components and score. */
export interface RankedCandidate<T extends RankingCandidate> {
  readonly candidate: T;
  readonly score: number;
  readonly components: ComponentScores;
}

const componentNames = ['lexical', 'vector', 'recency', 'importance'] as const;

/**
 * Generative Agents' recipe: relevance, recency and importance weigh the same. Relevance is
 * shared equally by its two measures here, lexical and vector.
 */
export const defaultRecallWeights: Readonly<Required<RecallWeights>> = Object.freeze({ lexical: 0.5, vector: 0.5, recency: 1, importance: 1 });

/**
 * The best `limit` candidates. For each component c, `norm_c = (raw_c - min_c) / (max_c - min_c)`
 * over all candidates; when every candidate has the same raw value, `norm_c` is 1 if that value is
 * positive and 0 otherwise. `score = Σ weight_c × norm_c / Σ weight_c`. Highest score first;
 * equal scores: larger `order` first. `weights` must be non-negative with a positive sum.
 */
export function rankCandidates<T extends RankingCandidate>(candidates: readonly T[], weights: Readonly<Required<RecallWeights>>, limit: number): RankedCandidate<T>[] {
  const low: ComponentScores = { lexical: Infinity, vector: Infinity, recency: Infinity, importance: Infinity };
  const high: ComponentScores = { lexical: -Infinity, vector: -Infinity, recency: -Infinity, importance: -Infinity };
  for (const { raw } of candidates) {
    for (const name of componentNames) {
      if (raw[name] < low[name]) low[name] = raw[name];
      if (raw[name] > high[name]) high[name] = raw[name];
    }
  }
  const weightSum = weights.lexical + weights.vector + weights.recency + weights.importance;
  const ranked = candidates.map((candidate): RankedCandidate<T> => {
    const components = { lexical: 0, vector: 0, recency: 0, importance: 0 };
    let weighted = 0;
    for (const name of componentNames) {
      const range = high[name] - low[name];
      const value = range > 0 ? (candidate.raw[name] - low[name]) / range : high[name] > 0 ? 1 : 0;
      components[name] = value;
      weighted += weights[name] * value;
    }
    return { candidate, score: weighted / weightSum, components };
  });
  ranked.sort((a, b) => b.score - a.score || b.candidate.order - a.candidate.order);
  return ranked.slice(0, limit);
}
