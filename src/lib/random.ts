import { randomBytes } from 'node:crypto';

/** Chance as the rest of dynkv sees it: injected, so the simulator can replay a run from a seed. */
export interface Random {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** `length` random bytes. */
  bytes(length: number): Buffer;
}

/** The real source of a node process. */
export class SystemRandom implements Random {
  float(): number {
    return Math.random();
  }

  int(maxExclusive: number): number {
    return Math.floor(Math.random() * maxExclusive);
  }

  bytes(length: number): Buffer {
    return randomBytes(length);
  }
}

/**
 * A small, fast, seedable generator (sfc32) for the simulator and property tests. The same seed
 * always gives the same sequence on every platform.
 */
export class SeededRandom implements Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.#next();
  }

  float(): number {
    return this.#next() / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.float() * maxExclusive);
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.#next() & 0xff;
    return out;
  }

  #next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }
}
