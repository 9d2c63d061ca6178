import { WebSocket as WebSocketTransport, XHR } from 'engine.io-client';
import { io } from 'socket.io-client';

// socket.io's client and the transports casekit uses, in a module of their own that the
// realtime connection loads when it first connects.

/**
 * The platform's WebSocket (browsers, Node 22), looked up when connecting rather than when this
 * module loads, so that what a page or test installs later (msw's interception, a polyfill)
 * applies.
 */
class PlatformWebSocket extends WebSocketTransport {
  override createSocket(uri: string, protocols: string | string[] | undefined) {
    return new globalThis.WebSocket(uri, protocols);
  }
  override doOpen() {
    const opened = super.doOpen();
    // Node's own WebSocket has no 'nodebuffer' binary type; array buffers read everywhere.
    if (this.ws) this.ws.binaryType = 'arraybuffer';
    return opened;
  }
}

/**
 * WebSocket first: a replay of thousands of events over long-polling takes several times longer.
 * Polling stays as the fallback for networks that block WebSockets.
 */
export const transports = [PlatformWebSocket, XHR];

export { io };
