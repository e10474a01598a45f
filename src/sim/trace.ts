/**
 * What happened in one schedule, in order, stamped with simulated time. Keeps the last lines for
 * a failure report and a hash of every line, so two runs can be compared without keeping all.
 */
export class Trace {
  readonly #tail: string[] = [];
  readonly #tailMax: number;
  #hash = 0x811c9dc5;
  #count = 0;

  /** Lines matching `keep` are kept in full (replaying one seed to study one key). */
  readonly kept: string[] = [];
  readonly #keep: ((line: string) => boolean) | undefined;

  constructor(tailMax = 50, keep?: (line: string) => boolean) {
    this.#tailMax = tailMax;
    this.#keep = keep;
  }

  add(nowMs: number, line: string): void {
    const stamped = `${String(nowMs).padStart(7, ' ')}ms ${line}`;
    this.#tail.push(stamped);
    if (this.#tail.length > this.#tailMax) this.#tail.shift();
    this.#count++;
    if (this.#keep?.(stamped)) this.kept.push(stamped);
    // FNV-1a over the text: a cheap fingerprint of the whole run.
    for (let i = 0; i < stamped.length; i++) {
      this.#hash ^= stamped.charCodeAt(i);
      this.#hash = Math.imul(this.#hash, 0x01000193) >>> 0;
    }
    this.#hash ^= 10;
    this.#hash = Math.imul(this.#hash, 0x01000193) >>> 0;
  }

  get tail(): readonly string[] {
    return this.#tail;
  }

  get count(): number {
    return this.#count;
  }

  /** Fingerprint of every line so far. */
  get digest(): string {
    return `${this.#count}:${this.#hash.toString(16).padStart(8, '0')}`;
  }
}
