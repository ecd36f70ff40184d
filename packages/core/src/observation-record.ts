// Copies the plain fields of an observation (text, mission, valid actions, parts, features) into a
// fresh object. Environments may return lazy observations (getters); only these fields are read.
import type { Observation, ObservationPart, ObservationRecord } from '@worldloop/spec';

/**
 * Returns the observation as plain data, fit for storage and JSON: each field is read once,
 * explicitly, so getters run once and any other property (caches, back-references to the
 * environment) is left behind. Absent fields stay absent; arrays and objects are copied.
 */
export function observationRecord(observation: Observation | ObservationRecord): ObservationRecord {
  const record: {
    text: string;
    mission?: string;
    validActions?: readonly string[];
    parts?: readonly ObservationPart[];
    features?: Readonly<Record<string, string | number | boolean>>;
  } = { text: observation.text };
  const { mission, validActions, parts, features } = observation;
  if (mission !== undefined) record.mission = mission;
  if (validActions !== undefined) record.validActions = [...validActions];
  if (parts !== undefined) record.parts = parts.map(copyPart);
  if (features !== undefined) record.features = { ...features };
  return record;
}

function copyPart(part: ObservationPart): ObservationPart {
  switch (part.type) {
    case 'text': {
      const copy: { type: 'text'; text: string; label?: string } = { type: 'text', text: part.text };
      if (part.label !== undefined) copy.label = part.label;
      return copy;
    }
    case 'image': {
      const copy: { type: 'image'; mediaType: string; data?: string; url?: string; label?: string } = {
        type: 'image',
        mediaType: part.mediaType,
      };
      if (part.data !== undefined) copy.data = part.data;
      if (part.url !== undefined) copy.url = part.url;
      if (part.label !== undefined) copy.label = part.label;
      return copy;
    }
    default:
      // A part type this code does not know yet: keep its own enumerable fields.
      return { ...(part as ObservationPart) };
  }
}
