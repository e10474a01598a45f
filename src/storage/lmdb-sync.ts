import fs from 'node:fs';
import type { Clock, TimerHandle } from '../lib/clock';
import type { Logger } from '../lib/log';

/**
 * Background flushing for 'commit' durability (MDB_NOSYNC). Commits then only reach the OS page
 * cache, which survives kill -9 but not an OS crash; this bounds the window to about a second.
 *
 * It fdatasyncs data.mdb through a descriptor of its own on the libuv pool, never blocking the
 * event loop. fsync acts on the file, not the descriptor, so this flushes what LMDB wrote through
 * its own (with MDB_NOSYNC the meta pages go through the same file too). Using our own descriptor
 * rather than env.sync keeps the background work independent of the environment's lifetime: an
 * in-flight sync at close only delays closing this descriptor, never the environment.
 */
export class BackgroundSync {
  readonly #fd: number;
  readonly #timer: TimerHandle;
  readonly #logger: Logger;
  #dirty = false;
  #inFlight = false;
  #closed = false;

  constructor(dataFile: string, intervalMs: number, clock: Clock, logger: Logger) {
    this.#fd = fs.openSync(dataFile, 'r');
    this.#logger = logger;
    this.#timer = clock.setInterval(intervalMs, () => this.#tick());
  }

  /** Something was committed since the last sync. */
  markDirty(): void {
    this.#dirty = true;
  }

  /** Flush synchronously (a clean shutdown leaves nothing to a later OS crash) and stop. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer.cancel();
    try {
      fs.fdatasyncSync(this.#fd);
    } catch (error) {
      this.#logger.warn({ err: error }, 'storage: final sync failed');
    }
    if (!this.#inFlight) fs.closeSync(this.#fd);
  }

  #tick(): void {
    if (!this.#dirty || this.#inFlight || this.#closed) return;
    this.#dirty = false;
    this.#inFlight = true;
    fs.fdatasync(this.#fd, (error) => {
      this.#inFlight = false;
      if (error) {
        this.#dirty = true;
        this.#logger.warn({ err: error }, 'storage: background sync failed');
      }
      if (this.#closed) fs.close(this.#fd, () => undefined);
    });
  }
}
