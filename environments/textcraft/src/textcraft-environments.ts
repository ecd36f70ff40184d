// The registered TextCraft environments: one EnvironmentSpec per family, ids `textcraft/<Family>-v0`.
import type { EnvironmentSpec } from '@worldloop/spec';
import { TextcraftEnvironment, type TextcraftEnvironmentOptions } from './textcraft-environment.js';
import { textcraftFamilies, type TextcraftFamilyName } from './textcraft-families.js';
import type { TextcraftObservation } from './textcraft-observation.js';

function specFor(name: TextcraftFamilyName): EnvironmentSpec<TextcraftObservation, string> {
  return {
    id: `textcraft/${name}-v0`,
    description: textcraftFamilies[name].description,
    hasExpert: true,
    create: (options?: TextcraftEnvironmentOptions) => new TextcraftEnvironment(name, options),
  };
}

/**
 * Every TextCraft family as an `EnvironmentSpec`: Craft (depth from options), CraftDepth1,
 * CraftDepth2, CraftDepth3 and Curated (all `-v0`, all with an expert). `create` accepts
 * `TextcraftEnvironmentOptions`.
 */
export const textcraftEnvironments: readonly EnvironmentSpec<TextcraftObservation, string>[] = (
  Object.keys(textcraftFamilies) as TextcraftFamilyName[]
).map(specFor);
