import type { Socket } from 'socket.io';

/** What this process holds back for one socket, at most, before dropping it (default). */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/** The parts of socket.io's engine.io connection this module uses; socket.io leaves them untyped. */
interface Connection {
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): unknown;
  on(event: 'flush', listener: () => void): unknown;
  off(event: 'packetCreate' | 'flush', listener: (...args: never[]) => void): unknown;
  close(discard?: boolean): void;
  /** Not writable while a write is under way; for the WebSocket transport, `socket` is the `ws` WebSocket. */
  transport: { writable: boolean; socket?: { terminate?(): void } };
}

/**
 * The size of a packet the server pushes unasked (a socket.io EVENT: events, typing), or 0 for
 * an answer to the client's own request (a replay page), which the client paces itself.
 */
function pushedBytes(data: unknown): number {
  return typeof data === 'string' && data.startsWith('2') ? data.length : 0;
}

/**
 * Bounds what a client that does not read can make this process hold. While a write to the
 * socket has not gone out, engine.io keeps every further packet back; once the pushes among them
 * pass `limit` bytes, `onDrop` is told and the connection is cut. A client that reads takes each
 * write within a turn or two, so only one that stopped reading gets there. Nothing is lost: the
 * client reconnects and resumes after the last seq it received.
 */
export function limitBacklog(socket: Socket, limit: number, onDrop: (heldBytes: number) => void): void {
  const conn = socket.conn as unknown as Connection;
  /** Bytes of pushes engine.io holds back until the write under way has gone out. */
  let held = 0;
  let dropping = false;
  const flushed = () => {
    held = 0;
  };
  const created = (packet: { data?: unknown }) => {
    // A packet created while the transport is writable goes out at once.
    if (conn.transport.writable || dropping) return;
    held += pushedBytes(packet.data);
    if (held <= limit) return;
    dropping = true;
    const heldBytes = held;
    // Not from inside engine.io's send: once it has queued the packet that tipped it over.
    process.nextTick(() => {
      onDrop(heldBytes);
      dropSocket(socket);
    });
  };
  conn.on('flush', flushed);
  conn.on('packetCreate', created);
  socket.once('disconnect', () => {
    conn.off('flush', flushed);
    conn.off('packetCreate', created);
  });
}

/**
 * Disconnects the socket and cuts its connection at once. A plain disconnect waits for the
 * backlog to drain (and then for a WebSocket close handshake behind it), which a client that
 * does not read never lets happen, so the backlog would stay in memory.
 */
function dropSocket(socket: Socket): void {
  const conn = socket.conn as unknown as Connection;
  socket.disconnect(true);
  conn.close(true);
  conn.transport.socket?.terminate?.();
}
