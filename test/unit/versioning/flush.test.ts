import { DvvSet, EMPTY_DVVSET, Version, sync, update } from '../../../src/versioning/dvvset';
import { dropFlushed, newestGeneration } from '../../../src/versioning/flush';

const version = (data: string, flushGeneration?: number): Version => ({
  data: Buffer.from(data),
  tombstone: false,
  timestampMs: 1,
  expiresAtMs: 0,
  ...(flushGeneration === undefined ? {} : { flushGeneration }),
});

const write = (set: DvvSet, actor: string, v: Version): DvvSet => update(set, new Map(), actor, v, 1);

describe('dropFlushed', () => {
  it('keeps a set untouched when nothing is older than the generation', () => {
    const set = write(EMPTY_DVVSET, 'a.1', version('x', 2));
    expect(dropFlushed(set, 2)).toBe(set);
    expect(dropFlushed(set, 0)).toBe(set);
  });

  it('drops versions written before the generation, keeping newer siblings and their clocks', () => {
    const old = write(EMPTY_DVVSET, 'a.1', version('before'));
    const fresh = write(EMPTY_DVVSET, 'a.2', version('after', 1));
    const merged = sync(old, fresh);
    expect(merged.entries.map((entry) => entry.actor)).toEqual(['a.1', 'a.2']);
    const kept = dropFlushed(merged, 1);
    expect(kept.entries.map((entry) => entry.actor)).toEqual(['a.2']);
    expect(kept.entries[0].versions.map((v) => v.data.toString())).toEqual(['after']);
    expect(newestGeneration(kept)).toBe(1);
  });

  it('leaves nothing of a record whose every version was flushed, even clock-only entries', () => {
    // a.1 wrote twice: its first version was superseded by its second, then b.1 superseded a.1.
    let set = write(EMPTY_DVVSET, 'a.1', version('one'));
    set = update(set, new Map([['a.1', 1]]), 'b.1', version('two'), 1);
    expect(set.entries.some((entry) => entry.versions.length === 0)).toBe(true);
    expect(dropFlushed(set, 1)).toBe(EMPTY_DVVSET);
  });

  it('a flushed replica merged with a stale one keeps only the new generation', () => {
    const stale = write(EMPTY_DVVSET, 'n1.e1', version('old value'));
    const flushedThenWritten = write(EMPTY_DVVSET, 'n1.e2', version('new value', 3));
    const repaired = dropFlushed(sync(flushedThenWritten, stale), 3);
    expect(repaired.entries.flatMap((entry) => entry.versions.map((v) => v.data.toString()))).toEqual(['new value']);
  });
});
