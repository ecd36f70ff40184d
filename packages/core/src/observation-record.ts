// Copies the plain fields out of an observation, which environments may compute lazily (getters).
import type { Observation, ObservationRecord } from '@worldloop/spec';

/** A plain, JSON-serialisable copy of an observation, with absent fields left out. */
export function toObservationRecord(observation: Observation): ObservationRecord {
  const record: { -readonly [K in keyof ObservationRecord]: ObservationRecord[K] } = { text: observation.text };
  const { mission, validActions, parts, features } = observation;
  if (mission !== undefined) record.mission = mission;
  if (validActions !== undefined) record.validActions = [...validActions];
  if (parts !== undefined) record.parts = [...parts];
  if (features !== undefined) record.features = { ...features };
  return record;
}
