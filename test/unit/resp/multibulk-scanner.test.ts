/** parseLengthText against a plain model of Redis's string2ll; the scanner's framing is covered by the decoder tests. */
import fc from 'fast-check';
import { parseLengthText } from '../../../src/resp/multibulk-scanner';

/** string2ll, said plainly: an optional minus, no leading zeros, int64, under 21 characters. */
function string2llModel(text: string): bigint | undefined {
  if (text.length >= 21 || !/^(0|-?[1-9][0-9]*)$/.test(text)) return undefined;
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value <= 2n ** 63n - 1n ? value : undefined;
}

function parse(text: string): number | undefined {
  return parseLengthText(Buffer.from(text, 'latin1'), 0, text.length);
}

describe('parseLengthText', () => {
  test.each<[string, number | undefined]>([
    ['0', 0],
    ['1', 1],
    ['1048576', 1048576],
    ['-1', -1],
    ['', undefined],
    ['-', undefined],
    ['-0', undefined],
    ['00', undefined],
    ['01', undefined],
    ['+1', undefined],
    [' 1', undefined],
    ['1 ', undefined],
    ['1x', undefined],
    ['9223372036854775807', 9223372036854775807],
    ['9223372036854775808', undefined],
    ['-9223372036854775808', -9223372036854775808],
    ['-9223372036854775809', undefined],
    ['10000000000000000000', undefined],
  ])('%p', (text, expected) => {
    expect(parse(text)).toBe(expected);
  });

  test('reads a slice of a larger buffer', () => {
    expect(parseLengthText(Buffer.from('$123\r\n'), 1, 4)).toBe(123);
  });

  test('agrees with the string2ll model', () => {
    const digitsLike = fc.stringMatching(/^-?[0-9]{0,21}$/);
    const anything = fc.string({ unit: 'binary-ascii', maxLength: 22 });
    fc.assert(
      fc.property(fc.oneof(digitsLike, anything), (text) => {
        const model = string2llModel(text);
        const parsed = parse(text);
        if (model === undefined) expect(parsed).toBeUndefined();
        else expect(parsed).toBe(Number(model));
      }),
      { numRuns: 2000 },
    );
  });
});
