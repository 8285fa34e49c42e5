/**
 * The export's CSV (scripts/submissions/format.ts): every string survives RFC 4180 quoting, read back by a
 * strict RFC 4180 parser written here; no cell starts with a formula character; BOM, header and JSON lines.
 */
import * as fc from 'fast-check';
import { CONTACT_FIELD_NAMES } from '../handlers/contact/fields';
import { COLUMNS, csvCell, csvRecord, FORMULA_START, toCsv, toJsonLines } from '../scripts/submissions/format';
import type { StoredSubmission } from '../scripts/submissions/table';

/** A strict RFC 4180 reader: CRLF between records, quoted or bare fields, `""` inside quotes; anything else throws. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i += 1;
        for (;;) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i += 1;
            break;
          }
          field += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
          if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
          field += text[i++];
        }
      }
      record.push(field);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      }
      if (i >= text.length) break;
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
    records.push(record);
  }
  return records;
}

/** Strings rich in what CSV and spreadsheets care about, and any Unicode at all. */
const tricky = fc.oneof(
  fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ';', "'", ' ', 'a', 'é', '😀', '\u2028'), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
const table = fc.array(fc.array(tricky, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });

describe('CSV cells', () => {
  test('any table of strings reads back through an RFC 4180 parser: each cell as it was, or with one leading quote mark before a formula character', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const parsed = parseCsv(rows.map(csvRecord).join(''));
        expect(parsed).toHaveLength(rows.length);
        rows.forEach((row, r) => {
          expect(parsed[r]).toHaveLength(row.length);
          row.forEach((cell, c) => expect(parsed[r]![c]).toBe(FORMULA_START.test(cell) ? `'${cell}` : cell));
        });
      }),
      { numRuns: 500 },
    );
  });

  test('no cell read back starts with =, +, -, @, a tab or a carriage return', () => {
    fc.assert(
      fc.property(table, (rows) => {
        for (const cell of parseCsv(rows.map(csvRecord).join('')).flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+44 20 7946 0000', `"'+44 20 7946 0000"`],
    ['-1', `"'-1"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
    ['a "quote", a comma\r\nand a line', '"a ""quote"", a comma\r\nand a line"'],
    ['ok=1', '"ok=1"'],
    ['', '""'],
  ])('%j is written %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('the CSV document and JSON lines', () => {
  const submissions: StoredSubmission[] = [
    { id: 'b', submittedAt: '2026-11-02T10:00:00.000Z', fields: { first_name: '=cmd', last_name: 'Ö', email: 'a@example.org', message: 'two\nlines' } },
    { id: 'a', submittedAt: '2026-11-01T10:00:00.000Z', fields: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org' } },
  ];

  test('UTF-8 with a BOM, a header of id, submittedAt and the fields of fields.ts, one record per submission', () => {
    const bytes = Buffer.from(toCsv(submissions), 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...records] = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(header).toEqual(['id', 'submittedAt', ...CONTACT_FIELD_NAMES]);
    expect(records).toHaveLength(2);
    expect(records[0]!.slice(0, 5)).toEqual(['b', '2026-11-02T10:00:00.000Z', "'=cmd", 'Ö', 'a@example.org']);
    expect(records[0]![COLUMNS.indexOf('message')]).toBe('two\nlines');
    expect(records[1]![COLUMNS.indexOf('company')]).toBe('');
  });

  test('no submissions: the BOM and the header only', () => {
    expect(toCsv([])).toBe('\ufeff' + csvRecord(COLUMNS));
  });

  test('JSON lines: one object a line, every column, as stored (no quote marks added), null where absent', () => {
    const lines = toJsonLines(submissions).split('\n');
    expect(lines.pop()).toBe('');
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(objects[0]!)).toEqual([...COLUMNS]);
    expect(objects[0]).toMatchObject({ id: 'b', first_name: '=cmd', message: 'two\nlines', company: null });
  });
});
