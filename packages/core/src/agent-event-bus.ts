// The typed event bus of an agent and its runner (eventemitter3): how recorders, progress
// displays and tests observe a run. Listeners run synchronously; a throwing listener is reported
// as an `error` event, never breaks the loop.
import { EventEmitter } from 'eventemitter3';
import type { AgentEvents } from '@worldloop/spec';

/** Emits the events of `AgentEvents` with typed payloads. */
export class AgentEventBus extends EventEmitter<AgentEvents> {}
