import { describe, expect, it } from 'vitest';
import { formatSerial, serialBucket } from '../index.js';

describe('serial numbers', () => {
  const day = { year: 2026, month: 1, day: 5 };

  it('renders text, date parts and the padded sequence', () => {
    expect(formatSerial([{ text: 'Q-' }, { date: 'YYYYMM' }, { text: '-' }, { seq: 4 }], day, 7)).toBe(
      'Q-202601-0007',
    );
    expect(formatSerial([{ date: 'YY' }, { date: 'MM' }, { date: 'DD' }, { seq: 3 }], day, 42)).toBe(
      '260105042',
    );
    expect(formatSerial([{ date: 'YYMMDD' }, { seq: 2 }], day, 1)).toBe('26010501');
    expect(formatSerial([{ date: 'YYYYMMDD' }, { text: '/' }, { seq: 1 }], day, 9)).toBe('20260105/9');
    expect(formatSerial([{ date: 'YYYY' }, { seq: 2 }], day, 3)).toBe('202603');
  });

  it('writes a sequence wider than its width in full', () => {
    expect(formatSerial([{ text: 'C' }, { seq: 2 }], day, 12345)).toBe('C12345');
  });

  it('names the counter bucket by the reset period', () => {
    expect(serialBucket(undefined, day)).toBe('');
    expect(serialBucket('never', day)).toBe('');
    expect(serialBucket('year', day)).toBe('2026');
    expect(serialBucket('month', day)).toBe('2026-01');
    expect(serialBucket('day', day)).toBe('2026-01-05');
  });
});
