import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaseEvent } from '@casekit/protocol';
import type { Server } from 'socket.io';
import { createSocketPublisher } from './publisher.ts';
import { agentRoom, agentsRoom } from './rooms.ts';

/** A stand-in for socket.io that records each push with the room it went to, in order. */
function recordingServer() {
  const pushes: { room: string; seqs: number[] }[] = [];
  const namespace = { to: (room: string) => ({ emit: (_name: string, events: CaseEvent[]) => void pushes.push({ room, seqs: events.map((e) => e.seq) }) }) };
  return { io: { of: () => namespace } as unknown as Server, pushes };
}

const event = (seq: number, type: string, actorId: string | null = null) =>
  ({ seq, type, workspaceId: 'ws', at: '2026-01-01T00:00:00.000Z', actorId, caseId: 'c_1', customerId: null, data: { message: { internal: true } } }) as unknown as CaseEvent;

describe('the socket publisher', () => {
  it('keeps an agent\'s stream in seq order when its own read markers interleave with everyone\'s events', async () => {
    const { io, pushes } = recordingServer();
    const publisher = createSocketPublisher(io);
    publisher.publish([event(7, 'case.updated'), event(8, 'case.read', 'ag_ann')]);
    publisher.publish([event(9, 'message.created'), event(10, 'case.updated')]);
    publisher.publish([event(11, 'case.read', 'ag_ann'), event(12, 'case.read', 'ag_bo')]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // What Ann's socket, in both rooms, receives:
    const ann = pushes.filter((p) => p.room === agentsRoom('ws') || p.room === agentRoom('ws', 'ag_ann')).flatMap((p) => p.seqs);
    assert.deepEqual(ann, [7, 8, 9, 10, 11]);
    const bo = pushes.filter((p) => p.room === agentsRoom('ws') || p.room === agentRoom('ws', 'ag_bo')).flatMap((p) => p.seqs);
    assert.deepEqual(bo, [7, 9, 10, 12]);
  });
});
