// `worldloop show <episode>`: prints one recorded episode step by step, with the ASCII map.
import { ConfigError, type ObservationRecord } from '@worldloop/spec';
import type { CliIo } from '../cli-io.js';
import { openStore } from '../open-store.js';
import { integerOption } from '../option-values.js';

/** Flags of `worldloop show`. */
export interface ShowFlags {
  readonly db?: string;
}

/** Prints the episode with this id. */
export async function showCommand(io: CliIo, episodeArgument: string | undefined, flags: ShowFlags): Promise<number> {
  if (episodeArgument === undefined) throw new ConfigError('worldloop show needs an episode id. List them with `worldloop episodes`.');
  const episodeId = integerOption('episode', episodeArgument, 0, { min: 1 });
  const store = openStore(io, flags.db);
  try {
    const episode = await store.getEpisode(episodeId);
    if (!episode) throw new ConfigError(`No episode ${episodeId} in ${store.location}. List them with \`worldloop episodes\`.`);
    const out = (text: string): unknown => io.stdout.write(text);
    out(`Episode ${episode.id} (run ${episode.runId}, index ${episode.episodeIndex}) of ${episode.environmentId}, seed ${episode.seed}\n`);
    if (episode.mission) out(`Mission: ${episode.mission}\n`);
    out(
      `Status: ${episode.status}; success: ${episode.success ? 'yes' : 'no'}; reward ${(episode.totalReward ?? 0).toFixed(3)}; ` +
        `${episode.stepCount ?? 0} steps, ${episode.invalidActionCount ?? 0} refused${episode.error ? `; error: ${episode.error}` : ''}\n`,
    );
    for await (const step of store.readSteps(episodeId)) {
      out(`\n── step ${step.stepIndex} ──\n`);
      out(renderObservation(step.observation));
      const executed = step.executedAction !== undefined && step.executedAction !== step.action ? ` (executed as ${JSON.stringify(step.executedAction)})` : '';
      out(`> ${step.action}${executed}\n`);
      for (const { call, result } of step.toolCalls) {
        out(`  tool ${call.name}(${JSON.stringify(call.arguments)}) → ${result.ok ? JSON.stringify(result.output) : `error ${result.error.code}: ${result.error.message}`}\n`);
      }
      if (!step.accepted) out(`  refused: ${step.feedback}\n`);
      const flags = [step.terminated ? 'terminated' : '', step.truncated ? 'truncated' : ''].filter(Boolean).join(', ');
      out(`  reward ${step.reward}${flags ? `, ${flags}` : ''}\n`);
    }
    if (episode.finalObservation) {
      out('\n── final ──\n');
      out(renderObservation(episode.finalObservation));
    }
    return 0;
  } finally {
    await store.close();
  }
}

function renderObservation(observation: ObservationRecord): string {
  const map = observation.parts?.find((part) => part.type === 'text' && part.label === 'map');
  return `${map && map.type === 'text' ? `${map.text}\n` : ''}${observation.text}\n`;
}
