import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonthsClamped, toIsoDate } from '../../src/domain/dates.js';
import { statusAt, type StatusInput } from '../../src/domain/status.js';

const rules = { windowMonths: 6, lapseWarningDays: 30 };
const member = (over: Partial<StatusInput> = {}): StatusInput => ({
  joinedAt: '2025-08-31',
  stateChanges: [],
  countedContributionDates: [],
  ...over,
});

describe('ambassador status', () => {
  it('keeps a new member active for six months after joining', () => {
    expect(statusAt(rules, member(), '2025-09-01')).toEqual({
      status: 'active',
      lastContributionAt: null,
      activeUntil: '2026-02-28',
      daysLeft: 180,
    });
    expect(statusAt(rules, member(), '2026-01-29').status).toBe('lapsing');
    expect(statusAt(rules, member(), '2026-01-28').status).toBe('active');
    expect(statusAt(rules, member(), '2026-02-28').status).toBe('lapsing');
    expect(statusAt(rules, member(), '2026-03-01')).toMatchObject({ status: 'inactive', daysLeft: -1 });
    expect(statusAt(rules, member(), '2025-08-30').status).toBe('not-yet-joined');
  });

  it('extends with each counted contribution and restores a lapsed status', () => {
    const input = member({ countedContributionDates: ['2026-05-10', '2025-10-01'] });
    expect(statusAt(rules, input, '2026-03-15')).toMatchObject({ status: 'lapsing', lastContributionAt: '2025-10-01', activeUntil: '2026-04-01' });
    expect(statusAt(rules, input, '2026-04-02').status).toBe('inactive');
    expect(statusAt(rules, input, '2026-05-10')).toMatchObject({ status: 'active', activeUntil: '2026-11-10' });
  });

  it('ignores contributions after the date asked about', () => {
    const input = member({ countedContributionDates: ['2027-01-01'] });
    expect(statusAt(rules, input, '2026-06-01')).toMatchObject({ status: 'inactive', lastContributionAt: null });
  });

  it('shows suspension and withdrawal from their date', () => {
    const input = member({
      countedContributionDates: ['2026-01-10'],
      stateChanges: [
        { effectiveOn: '2025-08-31', state: 'registered' },
        { effectiveOn: '2026-02-01', state: 'suspended' },
        { effectiveOn: '2026-03-01', state: 'registered' },
      ],
    });
    expect(statusAt(rules, input, '2026-01-31').status).toBe('active');
    expect(statusAt(rules, input, '2026-02-15').status).toBe('suspended');
    expect(statusAt(rules, input, '2026-03-01').status).toBe('active');
  });

  const dateArb = fc
    .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => toIsoDate(d));

  it('is active exactly up to six months after the latest of joining and the last contribution (property)', () => {
    fc.assert(
      fc.property(dateArb, fc.array(dateArb, { maxLength: 8 }), dateArb, (joinedAt, dates, at) => {
        const result = statusAt(rules, member({ joinedAt, countedContributionDates: dates }), at);
        if (at < joinedAt) {
          expect(result.status).toBe('not-yet-joined');
          return;
        }
        const past = dates.filter((d) => d <= at).sort();
        const last = past[past.length - 1] ?? null;
        expect(result.lastContributionAt).toBe(last);
        const anchor = last && last > joinedAt ? last : joinedAt;
        expect(result.activeUntil).toBe(addMonthsClamped(anchor, 6));
        const active = at <= result.activeUntil!;
        expect(result.status === 'active' || result.status === 'lapsing').toBe(active);
        if (result.status === 'lapsing') expect(addDays(at, 30) >= result.activeUntil!).toBe(true);
      }),
    );
  });

  it('a contribution never shortens the status (property)', () => {
    fc.assert(
      fc.property(dateArb, fc.array(dateArb, { maxLength: 5 }), dateArb, dateArb, (joinedAt, dates, extra, at) => {
        const before = statusAt(rules, member({ joinedAt, countedContributionDates: dates }), at);
        const after = statusAt(rules, member({ joinedAt, countedContributionDates: [...dates, extra] }), at);
        if (before.activeUntil && after.activeUntil) expect(after.activeUntil >= before.activeUntil).toBe(true);
      }),
    );
  });
});
