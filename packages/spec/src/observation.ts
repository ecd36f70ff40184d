// What an agent perceives: text an LLM can read, plus optional labelled parts (maps, images).

/** A piece of text with a label saying what it is (`map`, `inventory`). */
export interface TextPart {
  readonly type: 'text';
  /** What this text is, for renderers and prompts (`map`, `inventory`). */
  readonly label?: string;
  readonly text: string;
}

/** An image: inline bytes (base64) or a reference (URL or path) recorded with the trajectory. */
export interface ImagePart {
  readonly type: 'image';
  /** IANA media type, e.g. `image/png`. */
  readonly mediaType: string;
  /** Base64 data, for small images. */
  readonly data?: string;
  /** Where the image lives when it is not inline. */
  readonly url?: string;
  readonly label?: string;
}

/** One part of an observation besides its main text. */
export type ObservationPart = TextPart | ImagePart;

/**
 * What the environment shows the agent after a reset or a step.
 * Environments may compute the fields lazily (getters) so raw stepping stays cheap.
 */
export interface Observation {
  /** The description an LLM reads: what is visible, where, what is carried. */
  readonly text: string;
  /** The task in language, when the environment has one. */
  readonly mission?: string;
  /** Actions the environment accepts now, when it can list them. */
  readonly validActions?: readonly string[];
  /** Extra views: an ASCII map, images. */
  readonly parts?: readonly ObservationPart[];
  /**
   * Discrete features of what the agent sees (JSON values), for learned world models and
   * tabular methods. Optional; equal features mean the agent cannot tell the states apart.
   */
  readonly features?: Readonly<Record<string, string | number | boolean>>;
}
