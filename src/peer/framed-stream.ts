/**
 * One peer connection's byte stream as Envelopes: frames in through FrameDecoder and the codec,
 * frames out through encodeFrame. Shared by both ends (inbound-connection.ts,
 * outbound-connection.ts). Works on any Duplex; tcp-transport.ts hands it a net.Socket, tests may
 * hand it an in-memory pair.
 *
 * Anything that is not a valid Envelope (bad length, undecodable bytes, unknown body) is
 * reported once through onGarbage, after which nothing more is read; the owner logs it and drops
 * the connection. onClose is called once, when the stream has closed, with the socket error that
 * closed it if any. A stream error is never thrown: it closes the stream.
 */
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../lib/clock';
import { decodeEnvelope, type Envelope } from './codec';
import { FrameDecoder } from './frame-decoder';
import { encodeFrame, frameBodyBytes } from './frame-encoder';

export interface FramedStreamEvents {
  readonly onEnvelope: (envelope: Envelope) => void;
  readonly onGarbage: (reason: string) => void;
  readonly onClose: (error: Error | undefined) => void;
}

export interface FramedStreamOptions {
  readonly frameBytesMax: number;
  readonly closeGraceMs: number;
  readonly clock: Clock;
}

export class FramedStream {
  readonly #stream: Duplex;
  readonly #options: FramedStreamOptions;
  readonly #events: FramedStreamEvents;
  readonly #decoder: FrameDecoder;
  readonly #closed: Promise<void>;
  #error: Error | undefined;
  #graceTimer: TimerHandle | undefined;
  /**
   * Frames sent this event-loop turn, written together at its end (clock.defer): one writev per
   * turn per connection instead of one write syscall per message. The replica writes a commit
   * releases, the reads of every client served in one turn, a peer's answers to a batch: each
   * leaves in one go, in order.
   */
  #outbox: Buffer[] = [];
  #outboxBytes = 0;
  #flushScheduled = false;

  constructor(stream: Duplex, options: FramedStreamOptions, events: FramedStreamEvents) {
    this.#stream = stream;
    this.#options = options;
    this.#events = events;
    this.#decoder = new FrameDecoder({
      frameBytesMax: options.frameBytesMax,
      onFrame: (frame) => this.#onFrame(frame),
      onError: (error) => this.#garbage(error.message),
    });
    this.#closed = new Promise((resolve) => {
      stream.once('close', () => {
        this.#decoder.stop();
        this.#graceTimer?.cancel();
        resolve();
        events.onClose(this.#error);
      });
    });
    stream.on('data', (chunk: Buffer) => this.#decoder.feed(chunk));
    stream.on('error', (error: Error) => {
      this.#error ??= error;
    });
  }

  /** Resolves once the stream has closed. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Bytes written but not yet taken by the OS (the peer is slow or not reading). */
  get outputBytes(): number {
    return this.#stream.writableLength + this.#outboxBytes;
  }

  /**
   * Write one envelope. Returns the frame body's size in bytes if it was over frameBytesMax,
   * in which case nothing was written (the peer would drop the connection on reading it).
   */
  send(envelope: Envelope): { readonly sent: true } | { readonly sent: false; readonly frameBytes: number } {
    const frame = encodeFrame(envelope);
    const frameBytes = frameBodyBytes(frame);
    if (frameBytes > this.#options.frameBytesMax) return { sent: false, frameBytes };
    if (this.#stream.destroyed || !this.#stream.writable) return { sent: true };
    this.#outbox.push(frame);
    this.#outboxBytes += frame.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      this.#options.clock.deferOutput(() => this.#flush());
    }
    return { sent: true };
  }

  /** Write the frames queued this turn, in order, as one gathered write. */
  #flush(): void {
    this.#flushScheduled = false;
    const frames = this.#outbox;
    if (frames.length === 0) return;
    this.#outbox = [];
    this.#outboxBytes = 0;
    const stream = this.#stream;
    if (stream.destroyed || !stream.writable) return;
    if (frames.length === 1) {
      stream.write(frames[0]);
      return;
    }
    stream.cork();
    for (const frame of frames) stream.write(frame);
    stream.uncork();
  }

  /** Stop reading, flush what was written, close; destroy if the peer has not closed its side after closeGraceMs. */
  end(): void {
    this.#decoder.stop();
    if (this.#stream.destroyed || this.#graceTimer !== undefined) return;
    this.#flush();
    this.#stream.end();
    this.#graceTimer = this.#options.clock.setTimer(this.#options.closeGraceMs, () => this.#stream.destroy());
  }

  /** Close now, dropping unsent output. */
  destroy(): void {
    this.#decoder.stop();
    this.#outbox = [];
    this.#outboxBytes = 0;
    this.#stream.destroy();
  }

  #onFrame(frame: Buffer): void {
    const result = decodeEnvelope(frame);
    if (result.ok) this.#events.onEnvelope(result.envelope);
    else this.#garbage(result.error.message);
  }

  #garbage(reason: string): void {
    this.#decoder.stop();
    this.#events.onGarbage(reason);
    this.destroy();
  }
}
