import { addDays, dayRange, daysBetween, isValidRunDate, monthKey, parseRunDate, todayUtc } from '../../functions/src/lib/dates';

describe('dates (UTC calendar days)', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13-01', false],
    ['2024-04-31', false],
    ['2024-1-01', false],
    ['2024-01-01T00:00:00Z', false],
    [20240101, false],
  ])('isValidRunDate(%p) = %p', (value, expected) => {
    expect(isValidRunDate(value)).toBe(expected);
  });

  it('does arithmetic across month, year and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(dayRange('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(dayRange('2024-03-01', '2024-02-27')).toEqual([]);
    expect(monthKey('2024-02-29')).toBe('2024-02');
  });

  it('takes today from the UTC clock, not local time', () => {
    expect(todayUtc(new Date('2024-06-30T23:30:00-05:00'))).toBe('2024-07-01');
    expect(parseRunDate('2024-07-01').toISOString()).toBe('2024-07-01T00:00:00.000Z');
    expect(() => parseRunDate('2024-07-32')).toThrow(RangeError);
  });
});
