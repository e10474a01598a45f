import { uint64ToNumber } from '../../../src/versioning/uint64';

describe('uint64ToNumber', () => {
  it('accepts numbers and Long-shaped values up to 2^53 - 1', () => {
    expect(uint64ToNumber(undefined)).toBe(0);
    expect(uint64ToNumber(null)).toBe(0);
    expect(uint64ToNumber(42)).toBe(42);
    expect(uint64ToNumber({ low: 5, high: 0, unsigned: true })).toBe(5);
    expect(uint64ToNumber({ low: -1, high: 0x1fffff, unsigned: true })).toBe(2 ** 53 - 1);
    expect(uint64ToNumber({ low: 0, high: 0x1ac, unsigned: true })).toBe(0x1ac * 2 ** 32);
  });

  it('refuses what it cannot represent exactly', () => {
    expect(uint64ToNumber(2 ** 53)).toBeUndefined();
    expect(uint64ToNumber(-1)).toBeUndefined();
    expect(uint64ToNumber(1.5)).toBeUndefined();
    expect(uint64ToNumber({ low: 0, high: 0x200000 })).toBeUndefined();
    expect(uint64ToNumber({ low: 0, high: -1 })).toBeUndefined();
    expect(uint64ToNumber('7')).toBeUndefined();
  });
});
