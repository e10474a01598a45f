import fc from 'fast-check';
import { Mutation, MutationResult } from '../../../src/coordinator/mutation';
import { InvalidMutationError, decodeMutation, decodeResult, encodeMutation, encodeResult } from '../../../src/coordinator/mutation-codec';

const b = (text: string) => Buffer.from(text);

const examples: Mutation[] = [
  { kind: 'set', value: b('v'), expiresAtMs: 0, returnPrevious: false },
  { kind: 'set', value: Buffer.from([0, 255, 13, 10]), expiresAtMs: 1_700_000_000_123, condition: 'NX', returnPrevious: true },
  { kind: 'set', value: b(''), expiresAtMs: 'keep', condition: 'XX', returnPrevious: false },
  { kind: 'delete' },
  { kind: 'getdel' },
  { kind: 'incrby', delta: -(2n ** 63n) },
  { kind: 'incrby', delta: 2n ** 63n - 1n },
  { kind: 'append', suffix: b('tail') },
  { kind: 'expire', expiresAtMs: -5, condition: 'GT' },
  { kind: 'persist' },
  { kind: 'vset', value: b('x'), context: new Map([['n-a', 3], ['n-b', 1]]), expiresAtMs: 42 },
  { kind: 'vdel', context: new Map() },
  { kind: 'sadd', members: [b('apple'), Buffer.from([0, 255]), b('')] },
  { kind: 'srem', members: [b('apple')] },
];

test('SADD and SREM without members are refused', () => {
  expect(() => decodeMutation(encodeMutation({ kind: 'sadd', members: [] }))).toThrow(InvalidMutationError);
  expect(() => decodeMutation(encodeMutation({ kind: 'srem', members: [] }))).toThrow(InvalidMutationError);
});

test.each(examples.map((m) => [m.kind, m]))('%s round-trips exactly', (_kind, mutation) => {
  expect(decodeMutation(encodeMutation(mutation))).toEqual(mutation);
});

test.each<MutationResult>([{ kind: 'ok' }, { kind: 'null' }, { kind: 'bulk', value: b('') }, { kind: 'bulk', value: b('abc') }, { kind: 'integer', value: -(2n ** 63n) }])(
  'result of kind %# round-trips',
  (result) => {
    expect(decodeResult(encodeResult(result))).toEqual(result);
  },
);

test('garbage is refused with InvalidMutationError, never applied', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodeMutation(Buffer.from(bytes));
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidMutationError);
      }
      try {
        decodeResult(Buffer.from(bytes));
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidMutationError);
      }
    }),
    { numRuns: 2000 },
  );
  expect(() => decodeMutation(Buffer.alloc(0))).toThrow(InvalidMutationError);
});
