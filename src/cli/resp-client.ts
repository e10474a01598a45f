import net from 'node:net';
import RedisParser from 'redis-parser';
import { Clock } from '../lib/clock';

/**
 * The smallest RESP2 client that `dynkv status` needs: one connection, commands answered in
 * order, replies parsed by redis-parser (a production dependency already). Not for data paths.
 */
export class RespClient {
  readonly #socket: net.Socket;
  readonly #waiting: Array<{ resolve: (reply: unknown) => void; reject: (err: Error) => void }> = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    const parser = new RedisParser({
      returnReply: (reply) => this.#waiting.shift()?.resolve(reply),
      returnError: (err) => this.#waiting.shift()?.reject(err),
    });
    socket.on('data', (chunk: Buffer) => parser.execute(chunk));
    socket.on('close', () => {
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('connection closed'));
    });
  }

  static connect(host: string, port: number, clock: Clock, timeoutMs: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      const timer = clock.setTimer(timeoutMs, () => {
        socket.destroy();
        reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`));
      });
      socket.once('error', (err) => {
        timer.cancel();
        reject(new Error(`cannot reach ${host}:${port}: ${err.message}`));
      });
      socket.once('connect', () => {
        timer.cancel();
        resolve(new RespClient(socket));
      });
    });
  }

  call(...args: string[]): Promise<unknown> {
    const frame = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#socket.write(frame);
    });
  }

  close(): void {
    this.#socket.end();
  }
}
