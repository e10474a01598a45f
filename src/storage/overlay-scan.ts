import type { KeyRange, Table } from './store';
import type { WriteGroup } from './write-group';

/**
 * The staged (not yet committed) entries of `table` within `range`, newest group winning, sorted by
 * key bytes: what a scan must merge over the committed data. null marks a staged delete.
 */
export function stagedEntries<Dbi>(groups: readonly (WriteGroup<Dbi> | undefined)[], table: Table, range: KeyRange): Array<[Buffer, Buffer | null]> {
  const merged = new Map<string, Buffer | null>();
  // Oldest first, so that newer groups overwrite.
  for (const group of groups) {
    const entries = group?.entries(table);
    if (!entries) continue;
    for (const [key, value] of entries) merged.set(key, value);
  }
  const out: Array<[Buffer, Buffer | null]> = [];
  for (const [text, value] of merged) {
    const key = Buffer.from(text, 'latin1');
    if (range.start !== undefined && Buffer.compare(key, range.start) < 0) continue;
    if (range.end !== undefined && Buffer.compare(key, range.end) >= 0) continue;
    out.push([key, value]);
  }
  return out.sort((a, b) => Buffer.compare(a[0], b[0]));
}

/**
 * Merge committed entries (read chunk by chunk through `nextChunk`) with staged ones, in key order:
 * a staged value replaces a committed one, a staged delete hides it. Stops when `visit` says so.
 * Staged values are handed to `visit` as copies: they are the very buffers a batch in flight is
 * writing from on a worker thread, and the caller owns what a scan gives it.
 */
export function mergeScan(
  staged: Array<[Buffer, Buffer | null]>,
  nextChunk: (after: Buffer | undefined) => Buffer[],
  visit: (key: Buffer, value: Buffer) => boolean,
): void {
  let next = 0;
  const emitStagedBefore = (bound: Buffer | undefined): boolean => {
    while (next < staged.length && (bound === undefined || Buffer.compare(staged[next][0], bound) < 0)) {
      const [key, value] = staged[next++];
      if (value !== null && !visit(key, Buffer.from(value))) return false;
    }
    return true;
  };
  let after: Buffer | undefined;
  for (;;) {
    const chunk = nextChunk(after);
    if (chunk.length === 0) break;
    // Resume from a private copy: `visit` owns the keys it is given and may change them.
    after = Buffer.from(chunk[chunk.length - 2]);
    for (let i = 0; i < chunk.length; i += 2) {
      const key = chunk[i];
      if (!emitStagedBefore(key)) return;
      if (next < staged.length && staged[next][0].equals(key)) {
        const value = staged[next++][1];
        if (value !== null && !visit(key, Buffer.from(value))) return;
      } else if (!visit(key, chunk[i + 1])) return;
    }
  }
  emitStagedBefore(undefined);
}
