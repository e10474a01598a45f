import type { Socket } from 'node:net';
import { CommandSpec, keysOf } from '../commands/command';
import { ClientSession, CommandContext, NodeServices } from '../commands/context';
import { arityAccepts } from '../commands/registry';
import { Clock } from '../lib/clock';
import { ReplyError } from '../lib/errors';
import { Logger } from '../lib/log';
import { Reply, error } from '../resp/reply';
import { ReplyWriter, encodeReply } from '../resp/reply-encoder';
import { RequestDecoder } from '../resp/request-decoder';
import type { ServerStats } from '../stats/server-stats';
import { ConnectionLimits } from './connection-limits';
import { KeyOrdering } from './key-ordering';
import { unknownCommandMessage } from './unknown-command';

/** A reply owed to the client, in request order. */
interface Slot {
  reply: Reply | undefined;
  closeAfter: boolean;
}

export interface ClientConnectionDeps {
  readonly id: number;
  readonly services: NodeServices;
  readonly stats: ServerStats;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits: ConnectionLimits;
  readonly onClose: (connection: ClientConnection) => void;
}

/**
 * One client socket. Requests are decoded and started as they arrive (pipelining), replies are
 * queued in request order and written in batches:
 * - replies of commands that completed while their chunk was decoded leave at the end of the
 *   event-loop turn (clock.defer), with every other connection's, as Redis writes its replies
 *   before it sleeps. Writing each as soon as its chunk was decoded woke the client's process once
 *   per reply: on two busy cores (a VM's cross-CPU wake-up especially) a quarter of a GET's time;
 *   leaving together, most find their client awake;
 * - replies completing later (after a commit, or a replica's answer) leave at the end of their
 *   microtask burst, so they never wait for the next turn's input to be read first.
 */
export class ClientConnection {
  readonly session: ClientSession;
  readonly #socket: Socket;
  readonly #deps: ClientConnectionDeps;
  readonly #decoder: RequestDecoder;
  readonly #writer = new ReplyWriter();
  #queue: Slot[] = [];
  #queueHead = 0;
  readonly #ordering = new KeyOrdering();
  /** What every command of this connection sees; the same object for all of them. */
  readonly #context: CommandContext;
  #flushScheduled = false;
  /** Inside #onData, whose end schedules the flush: completions during it schedule nothing. */
  #decoding = false;
  #closing = false;
  #readPaused = false;

  constructor(socket: Socket, deps: ClientConnectionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    const nowMs = deps.clock.nowMs();
    this.session = {
      id: deps.id,
      address: `${socket.remoteAddress}:${socket.remotePort}`,
      localAddress: `${socket.localAddress}:${socket.localPort}`,
      connectedAtMs: nowMs,
      name: '',
      protocol: 2,
      lastCommand: 'NULL',
      lastActiveMs: nowMs,
      closeAfterReply: false,
      outputBytes: () => socket.writableLength,
      kill: () => this.destroy(),
    };
    this.#context = { client: this.session, node: deps.services };
    this.#decoder = new RequestDecoder(deps.limits.request, (args) => this.#onCommand(args), (message) => this.#onProtocolError(message));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => this.#maybeResume());
    socket.on('error', (err) => deps.logger.debug({ client: this.session.address, err: err.message }, 'client socket error'));
    socket.on('close', () => {
      this.#closing = true;
      deps.onClose(this);
    });
  }

  /** Stop reading; answer what is owed, then close. Resolves when the socket is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed) return resolve();
      this.#socket.once('close', () => resolve());
      // No new commands run once closing (#onCommand); reading goes on, so that the client's
      // FIN is seen and the socket closes (a paused socket may stop reading altogether).
      this.#closing = true;
      if (this.#readPaused) {
        this.#readPaused = false;
        this.#socket.resume();
      }
      this.#endWhenIdle();
    });
  }

  destroy(): void {
    this.#closing = true;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#deps.stats.recordBytes(chunk.length, 0);
    this.session.lastActiveMs = this.#deps.clock.nowMs();
    this.#decoding = true;
    try {
      this.#decoder.feed(chunk);
    } finally {
      this.#decoding = false;
      // Also for what completed nothing: a protocol error's reply, a QUIT's close.
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        this.#deps.clock.deferOutput(() => this.#flush());
      }
    }
  }

  #onCommand(args: Buffer[]): void {
    if (this.#closing) return;
    const slot: Slot = { reply: undefined, closeAfter: false };
    this.#queue.push(slot);
    const spec = this.#deps.services.commands.get(commandName(args[0]));
    if (spec === undefined) return this.#complete(slot, error(unknownCommandMessage(args)));
    if (!arityAccepts(spec, args.length)) return this.#complete(slot, error(`ERR wrong number of arguments for '${spec.name}' command`));
    this.session.lastCommand = spec.name;
    // Keys are listed only when another command of this client is unfinished (pipelining):
    // an unpipelined client's commands never wait, and most complete synchronously.
    const waitFor = this.#ordering.unsettled === 0 ? undefined : this.#ordering.waitFor(keysOf(spec, args));
    if (waitFor === undefined) this.#run(spec, args, slot);
    else this.#ordering.started(keysOf(spec, args), Promise.all(waitFor).then(() => this.#run(spec, args, slot, false)));
    if (this.#queue.length - this.#queueHead >= this.#deps.limits.pendingRepliesPause) this.#pauseReading();
  }

  /**
   * Run a command. If it completes asynchronously and `ordered`, its keys are registered with the
   * ordering (a command that waited for others was registered already).
   */
  #run(spec: CommandSpec, args: Buffer[], slot: Slot, ordered = true): Promise<unknown> | undefined {
    const startMs = this.#deps.clock.monotonicMs();
    const closingBefore = this.session.closeAfterReply;
    let result: Reply | Promise<Reply>;
    try {
      result = spec.run(this.#context, args);
    } catch (err) {
      this.#finish(spec, startMs, slot, this.#errorReply(spec, err));
      return undefined;
    } finally {
      // QUIT (or CLIENT KILL of itself): the connection closes after *this* reply, once the
      // replies owed before it are written; commands after it in the pipeline are not run.
      if (!closingBefore && this.session.closeAfterReply) {
        slot.closeAfter = true;
        this.#closing = true;
      }
    }
    // The synchronous path (GET on a local replica) allocates no closure.
    if (!(result instanceof Promise)) {
      this.#finish(spec, startMs, slot, result);
      return undefined;
    }
    const settled = result.then(
      (reply) => this.#finish(spec, startMs, slot, reply),
      (err) => this.#finish(spec, startMs, slot, this.#errorReply(spec, err)),
    );
    if (ordered) {
      const keys = keysOf(spec, args);
      if (keys.length > 0) this.#ordering.started(keys, settled);
    }
    return settled;
  }

  #finish(spec: CommandSpec, startMs: number, slot: Slot, reply: Reply): void {
    this.#deps.stats.recordCommand(spec.name, (this.#deps.clock.monotonicMs() - startMs) * 1000, reply.kind === 'error');
    this.#complete(slot, reply);
  }

  #errorReply(spec: CommandSpec, err: unknown): Reply {
    if (err instanceof ReplyError) return error(err.message);
    this.#deps.logger.error({ command: spec.name, err }, 'command failed unexpectedly');
    return error(`ERR internal error in '${spec.name}': ${(err as Error)?.message ?? String(err)}`);
  }

  #complete(slot: Slot, reply: Reply): void {
    slot.reply = reply;
    if (!this.#flushScheduled && !this.#decoding) {
      this.#flushScheduled = true;
      // Replies completing in the same microtask burst leave in one write.
      queueMicrotask(() => this.#flush());
    }
  }

  #onProtocolError(message: string): void {
    this.#deps.stats.recordProtocolError();
    this.#deps.logger.info({ client: this.session.address, message }, 'protocol error, closing client');
    this.#queue.push({ reply: error(`ERR ${message}`), closeAfter: true });
    this.#closing = true;
  }

  /** Write every reply at the head of the queue that is ready, in order, as one buffer. */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#socket.destroyed) return;
    let closeNow = false;
    while (this.#queueHead < this.#queue.length) {
      const slot = this.#queue[this.#queueHead];
      if (slot.reply === undefined) break;
      encodeReply(slot.reply, this.session.protocol, this.#writer);
      this.#queueHead++;
      if (slot.closeAfter) {
        closeNow = true;
        break;
      }
    }
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    if (this.#writer.byteLength > 0) {
      const bytes = this.#writer.take();
      this.#deps.stats.recordBytes(0, bytes.length);
      this.#socket.write(bytes);
    }
    if (closeNow) {
      this.#closing = true;
      this.#socket.end();
      return;
    }
    this.#checkOutput();
    if (this.#closing) this.#endWhenIdle();
    else this.#maybeResume();
  }

  #checkOutput(): void {
    const outputBytes = this.#socket.writableLength;
    if (outputBytes > this.#deps.limits.outputBytesMax) {
      this.#deps.logger.warn({ client: this.session.address, outputBytes }, 'client output buffer over limit, disconnecting');
      this.destroy();
    } else if (outputBytes > this.#deps.limits.outputBytesPause) this.#pauseReading();
  }

  #pauseReading(): void {
    if (this.#readPaused) return;
    this.#readPaused = true;
    this.#socket.pause();
  }

  #maybeResume(): void {
    if (!this.#readPaused || this.#closing) return;
    const owed = this.#queue.length - this.#queueHead;
    if (owed < this.#deps.limits.pendingRepliesPause / 2 && this.#socket.writableLength <= this.#deps.limits.outputBytesPause) {
      this.#readPaused = false;
      this.#socket.resume();
    }
  }

  #endWhenIdle(): void {
    if (this.#queueHead >= this.#queue.length && !this.#socket.destroyed) this.#socket.end();
  }
}

/** Command names arrive in any case; most clients send upper or lower case, so cache both. */
const nameCache = new Map<string, string>();
const NAME_CACHE_MAX = 1024;

function commandName(arg: Buffer): string {
  const raw = arg.toString('latin1');
  const cached = nameCache.get(raw);
  if (cached !== undefined) return cached;
  const lower = raw.toLowerCase();
  if (nameCache.size < NAME_CACHE_MAX) nameCache.set(raw, lower);
  return lower;
}
