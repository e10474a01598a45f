/**
 * Client sockets that read into one buffer shared by every connection of the node, instead of a
 * fresh 64 KiB allocation per read. Node allocates each read's buffer with malloc, shrinks it to
 * what was read and frees the rest; with one small request per read (an unpipelined client), glibc
 * consolidating those 64 KiB frees cost about a tenth of a GET (perf: malloc_consolidate,
 * unlink_chunk, ArrayBuffer bookkeeping). net.Socket's `onread` option reads into a given buffer,
 * but only sockets created by the caller take it, so the accepted socket's handle is moved to a
 * new Socket created with that option (the server accepts with pauseOnConnect, so the first one
 * never read). Each read is copied out at once (into Node's pooled small buffers), so one buffer
 * serves every connection: reads run one after another on the event loop.
 *
 * This relies on net.Socket internals (`_handle`, `_server`); when they are not as expected, the
 * accepted socket is used as it is.
 */
import net from 'node:net';

/** libuv's suggested read size, as Node uses it: a read takes at most this much. */
export const SHARED_READ_BUFFER_BYTES = 64 * 1024;

const sharedReadBuffer = Buffer.allocUnsafeSlow(SHARED_READ_BUFFER_BYTES);

/** What this module touches of an accepted socket: Node's own fields, not its public API. */
interface SocketInternals {
  _handle?: { readStart?: unknown; useUserBuffer?: unknown } | null;
  _server?: net.Server | null;
  server?: net.Server | null;
}

/**
 * The socket to serve `accepted` (from a server created with pauseOnConnect): a new Socket on its
 * handle, reading through the shared buffer and emitting 'data' with a copy of each read, or
 * `accepted` itself, resumed.
 */
export function withSharedReadBuffer(accepted: net.Socket): net.Socket {
  const internals = accepted as net.Socket & SocketInternals;
  const handle = internals._handle;
  if (!handle || typeof handle.useUserBuffer !== 'function' || typeof handle.readStart !== 'function' || !('_server' in internals)) {
    accepted.resume();
    return accepted;
  }
  let socket: net.Socket;
  try {
    socket = new net.Socket({
      handle,
      readable: true,
      writable: true,
      onread: {
        buffer: sharedReadBuffer,
        callback: (bytes: number, buffer: Uint8Array) => {
          socket.emit('data', Buffer.from(buffer.subarray(0, bytes)));
        },
      },
    } as net.SocketConstructorOpts);
  } catch {
    accepted.resume();
    return accepted;
  }
  // The server counts its connections through the socket's _server (server.close() waits for
  // them); the new socket takes the count over, and the emptied one never touches it.
  const moved = socket as net.Socket & SocketInternals;
  moved._server = internals._server;
  moved.server = internals.server;
  internals._server = null;
  internals.server = null;
  internals._handle = null;
  return socket;
}
