import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsClamped,
  daysBetween,
  daysInMonth,
  isoWeekStart,
  isIsoDate,
  parseIsoDate,
  toIsoDate,
} from '../../src/domain/dates.js';

const dateArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => toIsoDate(d));

describe('calendar dates', () => {
  it('clamps month ends when adding months', () => {
    expect(addMonthsClamped('2025-08-31', 6)).toBe('2026-02-28');
    expect(addMonthsClamped('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonthsClamped('2026-03-31', 6)).toBe('2026-09-30');
    expect(addMonthsClamped('2026-01-15', 6)).toBe('2026-07-15');
    expect(addMonthsClamped('2026-07-31', 6)).toBe('2027-01-31');
    expect(addMonthsClamped('2026-12-31', 2)).toBe('2027-02-28');
    expect(addMonthsClamped('2024-02-29', 12)).toBe('2025-02-28');
  });

  it('rejects impossible dates', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(() => addMonthsClamped('2026-02-30', 1)).toThrow(/not a date/);
  });

  it('finds the Monday of the ISO week', () => {
    expect(isoWeekStart('2026-11-25')).toBe('2026-11-23');
    expect(isoWeekStart('2026-11-23')).toBe('2026-11-23');
    expect(isoWeekStart('2026-11-29')).toBe('2026-11-23');
    expect(isoWeekStart('2027-01-01')).toBe('2026-12-28');
  });

  it('takes the UTC date of an instant', () => {
    expect(toIsoDate('2026-03-01T23:59:59-02:00')).toBe('2026-03-02');
    expect(toIsoDate(new Date('2026-03-01T00:00:00Z'))).toBe('2026-03-01');
  });

  it('adding months keeps the day or clamps to the month end (property)', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 240 }), (date, months) => {
        const result = addMonthsClamped(date, months);
        const from = parseIsoDate(date)!;
        const to = parseIsoDate(result)!;
        expect(isIsoDate(result)).toBe(true);
        expect((to.year - from.year) * 12 + (to.month - from.month)).toBe(months);
        expect(to.day).toBe(Math.min(from.day, daysInMonth(to.year, to.month)));
        expect(result >= date).toBe(true);
      }),
    );
  });

  it('adding months is monotonic in the start date (property)', () => {
    fc.assert(
      fc.property(dateArb, dateArb, fc.integer({ min: 1, max: 24 }), (a, b, months) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(addMonthsClamped(early, months) <= addMonthsClamped(late, months)).toBe(true);
      }),
    );
  });

  it('addDays and daysBetween are inverse (property)', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -3000, max: 3000 }), (date, days) => {
        expect(daysBetween(date, addDays(date, days))).toBe(days);
      }),
    );
  });
});
