import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv } from './csv';

describe('CSV', () => {
  it('parses quoted fields with commas, quotes and line breaks, and CRLF lines', () => {
    expect(parseCsv('platform,userId,note\r\ntelegram,42,"a, ""b""\nc"\nslack,U1,\n')).toEqual([
      ['platform', 'userId', 'note'],
      ['telegram', '42', 'a, "b"\nc'],
      ['slack', 'U1', ''],
    ]);
  });

  it('writes what it parses back, and defuses spreadsheet formulas', () => {
    const line = csvLine(['telegram', 'a,b', 'say "hi"', null, 7]);
    expect(parseCsv(line)).toEqual([['telegram', 'a,b', 'say "hi"', '', '7']]);
    expect(csvLine(['=HYPERLINK("x")', '+1', '@me', '-2'])).toBe(`"'=HYPERLINK(""x"")",'+1,'@me,'-2\r\n`);
  });
});
