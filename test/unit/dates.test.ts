import { ApiError, dateParam } from '../../src/http';

describe('report and list dates (from, to)', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T12:30:00Z', '2026-03-01T12:30:00.000Z'],
    ['2026-03-01T12:30:00.250-03:00', '2026-03-01T15:30:00.250Z'],
    ['2026-12-01T21:02:47.080', '2026-12-01T21:02:47.080Z'], // no offset: UTC, whatever the server's TZ
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('%s is read as %s', (text, iso) => {
    expect(dateParam(text, 'from')!.toISOString()).toBe(iso);
  });

  it.each(['2026-02-30', '2026-02-31', '2025-02-29', '2026-13-01', '2026-03-01junk', '2026-03-01T24:00:00Z', '2026-03-01T12:60Z',
    '2026-03-01T12:00:00+25:00', '20260301', 'yesterday', ''])('%j is refused with VALIDATION_ERROR naming the field', (text) => {
    expect(() => dateParam(text, 'to')).toThrow(ApiError);
    expect(() => dateParam(text, 'to')).toThrow(/^to must be an ISO 8601 date/);
  });
});
