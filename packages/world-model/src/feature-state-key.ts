// State keys of tabular models from the observation's discrete features (the environment's own
// statement of which states the agent cannot tell apart): all of them, or a chosen few (those an
// environment offers for learning that carries across its levels), or the text when it has none.
import type { Observation } from '@worldloop/spec';

/**
 * The features sorted by name, as compact `name=value;` pairs: observations with equal features
 * share a key. Observations without features are keyed by their text. The mission is not part of
 * the key (what is rewarded may depend on it; pass a key that adds it when that matters more than
 * sharing what is learnt across missions).
 */
export function featureStateKey(observation: Observation): string {
  const features = observation.features;
  if (features === undefined) return `text:${observation.text}`;
  return joinFeatures(features, Object.keys(features).sort());
}

/**
 * A state key on the named features only, in `featureStateKey`'s form (sorted by name): states
 * that differ elsewhere share a key, so what is learnt in one carries to the others. Pick features
 * that say what matters for acting and not where it happens (an environment may list such names:
 * the gridworld's `targetFeatureNames`). An observation that lacks one of the names is keyed by
 * `featureStateKey`, all its features.
 */
export function featureSubsetStateKey(names: readonly string[]): (observation: Observation) => string {
  const sorted = [...names].sort();
  return (observation) => {
    const features = observation.features;
    if (features === undefined || sorted.some((name) => !(name in features))) return featureStateKey(observation);
    return joinFeatures(features, sorted);
  };
}

/** `name=value;` for each of `names`, values as JSON. */
function joinFeatures(features: Readonly<Record<string, string | number | boolean>>, names: readonly string[]): string {
  let key = '';
  for (const name of names) key += `${name}=${JSON.stringify(features[name])};`;
  return key;
}
