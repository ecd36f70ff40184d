// The default state key of tabular models: the observation's discrete features (the environment's
// own statement of which states the agent cannot tell apart), or its text when it has none.
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
  const names = Object.keys(features).sort();
  let key = '';
  for (const name of names) key += `${name}=${JSON.stringify(features[name])};`;
  return key;
}
