import { BackgroundBudget } from '../../../src/overload/background-budget';

const LIMITS = { recordsPerSecondIdle: 1000, recordsPerSecondBusy: 100, busyCommandsPerSecond: 500 };

describe('BackgroundBudget', () => {
  it('grants the idle rate while clients are quiet, and refills over time', () => {
    const budget = new BackgroundBudget(() => 0, LIMITS);
    expect(budget.tryTake(0, 600)).toBe(true);
    expect(budget.tryTake(0, 600)).toBe(false);
    expect(budget.tryTake(500, 600)).toBe(true); // 400 left + 500 refilled
    expect(budget.granted).toBe(1200);
    expect(budget.refused).toBe(1);
  });

  it('drops to the busy rate when client commands climb, and recovers when they stop', () => {
    let commands = 0;
    const budget = new BackgroundBudget(() => commands, LIMITS);
    expect(budget.busy(0)).toBe(false);
    commands = 600; // 600 commands in the first 300 ms: busy already, before the window ends
    expect(budget.busy(300)).toBe(true);
    expect(budget.tryTake(300, 100)).toBe(true); // banked idle tokens are cut to one busy second
    expect(budget.tryTake(300, 50)).toBe(false);
    commands = 1300; // 1300 commands over the first 1.3 s window: still busy
    expect(budget.tryTake(1300, 100)).toBe(true);
    expect(budget.busy(1300)).toBe(true);
    // No commands for a whole window: idle again.
    expect(budget.busy(2400)).toBe(false);
  });

  it('never starves: a batch bigger than a second of budget goes once the bucket is full', () => {
    const budget = new BackgroundBudget(() => 0, LIMITS);
    expect(budget.tryTake(0, 5000)).toBe(true);
    expect(budget.tryTake(100, 5000)).toBe(false);
    expect(budget.tryTake(10_000, 5000)).toBe(true);
  });

  it('survives a reset of the command count (CONFIG RESETSTAT)', () => {
    let commands = 10_000;
    const budget = new BackgroundBudget(() => commands, LIMITS);
    budget.busy(0);
    commands = 0;
    expect(budget.busy(100)).toBe(false);
  });
});
