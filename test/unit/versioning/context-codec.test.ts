import { dynkv } from '../../../src/generated/proto';
import {
  CONTEXT_COUNTER_MAX,
  CONTEXT_ENTRIES_MAX,
  InvalidContextError,
  decodeContext,
  encodeContext,
} from '../../../src/versioning/context-codec';

function raw(entries: Array<{ actor?: string; counter?: number }>): string {
  return Buffer.from(dynkv.record.Context.encode({ entries }).finish()).toString('base64');
}

function expectInvalid(text: Buffer | string, detail: RegExp): void {
  let caught: unknown;
  try {
    decodeContext(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidContextError);
  expect((caught as Error).message).toMatch(/^invalid context/);
  expect((caught as Error).message).toMatch(detail);
}

describe('encodeContext / decodeContext', () => {
  it('maps the empty vector to the empty string and back', () => {
    expect(encodeContext(new Map())).toBe('');
    expect(decodeContext('')).toEqual(new Map());
    expect(decodeContext(Buffer.alloc(0))).toEqual(new Map());
  });

  it('round-trips, sorted by actor, from a string or a Buffer', () => {
    const vv = new Map([
      ['node-b', 3],
      ['node-a', 1],
      ['\u{1F600}', CONTEXT_COUNTER_MAX],
    ]);
    const text = encodeContext(vv);
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeContext(text)).toEqual(vv);
    expect(decodeContext(Buffer.from(text))).toEqual(vv);
    expect([...decodeContext(text).keys()]).toEqual(['node-a', 'node-b', '\u{1F600}']);
    expect(encodeContext(new Map([...vv].reverse()))).toBe(text);
  });

  it('refuses a counter above CONTEXT_COUNTER_MAX: the next dot it would force must stay exact', () => {
    expect(() => decodeContext(encodeContext(new Map([['node-a', CONTEXT_COUNTER_MAX + 1]])))).toThrow(/counter above/);
    expect(() => decodeContext(encodeContext(new Map([['node-a', 2 ** 53 - 1]])))).toThrow(/counter above/);
  });

  it('accepts entries in any order', () => {
    expect(decodeContext(raw([{ actor: 'b', counter: 1 }, { actor: 'a', counter: 2 }]))).toEqual(
      new Map([['b', 1], ['a', 2]]),
    );
  });

  it('rejects text outside the base64 alphabet, bad padding and non-canonical base64', () => {
    const good = encodeContext(new Map([['a', 1]]));
    expectInvalid(`${good}!`, /base64/);
    expectInvalid(`${good.slice(0, 2)} ${good.slice(2)}`, /base64/);
    expectInvalid(good.replace(/=+$/, ''), /base64/);
    expectInvalid(`${good}==`, /base64/);
    expectInvalid('QQ=', /base64/);
    expectInvalid('QR==', /canonical/);
    expectInvalid('-_-_', /base64/);
    expectInvalid(Buffer.from([0xc3, 0xa9, 0x41, 0x41]), /base64/);
  });

  it('rejects bytes that are not a Context message', () => {
    expectInvalid(Buffer.from([0x0a, 0x05, 0x01]).toString('base64'), /not a context/);
    expectInvalid(Buffer.from([0xff, 0xff, 0xff, 0xff]).toString('base64'), /not a context/);
  });

  it('rejects empty and duplicate actors', () => {
    expectInvalid(raw([{ actor: '', counter: 1 }]), /empty actor/);
    expectInvalid(raw([{ counter: 1 }]), /empty actor/);
    expectInvalid(raw([{ actor: 'a', counter: 1 }, { actor: 'a', counter: 2 }]), /duplicate/);
  });

  it('rejects zero and unsafe counters', () => {
    expectInvalid(raw([{ actor: 'a', counter: 0 }]), /positive integer/);
    expectInvalid(raw([{ actor: 'a' }]), /positive integer/);
    expectInvalid(raw([{ actor: 'a', counter: 2 ** 53 }]), /positive integer/);
    // uint64 max written by hand: decodes to a rounded float.
    const huge = Buffer.concat([Buffer.from([0x0a, 0x0e, 0x0a, 0x01, 0x61, 0x10]), Buffer.from('ffffffffffffffffff01', 'hex')]);
    expectInvalid(huge.toString('base64'), /positive integer/);
  });

  it('rejects more than CONTEXT_ENTRIES_MAX entries and accepts exactly that many', () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ actor: `n${i}`, counter: 1 }));
    expect(decodeContext(raw(entries(CONTEXT_ENTRIES_MAX))).size).toBe(CONTEXT_ENTRIES_MAX);
    expectInvalid(raw(entries(CONTEXT_ENTRIES_MAX + 1)), /entries/);
  });
});
