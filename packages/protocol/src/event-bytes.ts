// No zod here: the SDK reads replays with this module without carrying the schemas.
import type { CaseEvent } from './entities.ts';

/** Reads the events of a `resume` answer (UTF-8 JSON of a `CaseEvent[]`). */
export function decodeEvents(bytes: Uint8Array | ArrayBuffer): CaseEvent[] {
  return JSON.parse(new TextDecoder().decode(bytes)) as CaseEvent[];
}

/** Writes events the way a `resume` answer carries them. */
export function encodeEvents(events: readonly CaseEvent[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(events));
}
