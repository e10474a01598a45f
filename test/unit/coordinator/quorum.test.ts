import { quorumState } from '../../../src/coordinator/quorum';

test.each([
  // required, asked, successes, failures, expected
  [2, 3, 0, 0, 'pending'],
  [2, 3, 1, 0, 'pending'],
  [2, 3, 2, 0, 'met'],
  [2, 3, 1, 1, 'pending'],
  [2, 3, 0, 2, 'failed'],
  [2, 3, 1, 2, 'failed'],
  [2, 3, 2, 1, 'met'],
  [3, 3, 2, 1, 'failed'],
  [1, 1, 0, 0, 'pending'],
  [1, 1, 1, 0, 'met'],
  [1, 1, 0, 1, 'failed'],
  [2, 1, 1, 0, 'failed'],
  [3, 5, 2, 2, 'pending'],
  [3, 5, 2, 3, 'failed'],
] as const)('R/W=%i of %i asked, %i ok, %i failed → %s', (required, asked, successes, failures, expected) => {
  expect(quorumState(required, asked, successes, failures)).toBe(expected);
});

test('agrees with a brute-force definition for small clusters', () => {
  for (let asked = 0; asked <= 7; asked++) {
    for (let required = 1; required <= 7; required++) {
      for (let successes = 0; successes <= asked; successes++) {
        for (let failures = 0; successes + failures <= asked; failures++) {
          const outstanding = asked - successes - failures;
          const expected = successes >= required ? 'met' : successes + outstanding < required ? 'failed' : 'pending';
          expect(quorumState(required, asked, successes, failures)).toBe(expected);
        }
      }
    }
  }
});
