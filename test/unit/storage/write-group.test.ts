/** WriteGroup: a key staged again in one group replaces its operation; the overlay shows the last write. */
import { WriteGroup } from '../../../src/storage/write-group';

const b = (text: string) => Buffer.from(text);

describe('WriteGroup', () => {
  test('put then put: one operation, the last value', () => {
    const group = new WriteGroup<string>();
    group.stage('data', 'dbi', b('k'), b('1'));
    group.stage('data', 'dbi', b('k'), b('2'));
    expect(group.operations).toEqual([['dbi', b('k'), b('2')]]);
    expect(group.lookup('data', 'k')).toEqual(b('2'));
  });

  test('put then delete, delete then put: the last one wins, in place', () => {
    const group = new WriteGroup<string>();
    group.stage('data', 'dbi', b('a'), b('1'));
    group.stage('data', 'dbi', b('b'), b('x'));
    group.stage('data', 'dbi', b('a'), null);
    expect(group.operations).toEqual([['dbi', b('a')], ['dbi', b('b'), b('x')]]);
    expect(group.lookup('data', 'a')).toBeNull();
    group.stage('data', 'dbi', b('a'), b('3'));
    expect(group.operations).toEqual([['dbi', b('a'), b('3')], ['dbi', b('b'), b('x')]]);
    expect(group.lookup('data', 'a')).toEqual(b('3'));
    expect(group.size).toBe(2);
  });

  test('the same key in two tables is two operations', () => {
    const group = new WriteGroup<string>();
    group.stage('data', 'data-dbi', b('k'), b('1'));
    group.stage('merkle', 'merkle-dbi', b('k'), b('2'));
    expect(group.operations).toEqual([['data-dbi', b('k'), b('1')], ['merkle-dbi', b('k'), b('2')]]);
    expect(group.lookup('data', 'k')).toEqual(b('1'));
    expect(group.lookup('merkle', 'k')).toEqual(b('2'));
  });
});
