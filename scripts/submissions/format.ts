/**
 * The two output formats: CSV that opens safely in a spreadsheet (UTF-8 with BOM, RFC 4180, no cell that
 * starts a formula) and JSON lines. Columns: id, submittedAt, then the form's fields as fields.ts defines them.
 */
import { CONTACT_FIELD_NAMES } from '../../handlers/contact/fields';
import type { Format } from './options';
import type { StoredSubmission } from './table';

export const COLUMNS = ['id', 'submittedAt', ...CONTACT_FIELD_NAMES] as const;

const BOM = '\ufeff';
const RECORD_END = '\r\n';

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell's text with a leading `'` when it would start a formula; otherwise unchanged. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CSV field: formula-neutralized, always quoted, inner quotes doubled (RFC 4180 section 2). */
export function csvCell(value: string): string {
  return `"${neutralizeFormula(value).replace(/"/g, '""')}"`;
}

export function csvRecord(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + RECORD_END;
}

function cells(submission: StoredSubmission): string[] {
  return COLUMNS.map((column) => (column === 'id' || column === 'submittedAt' ? submission[column] : (submission.fields[column] ?? '')));
}

/** The whole CSV document: BOM, header record, one record per submission, CRLF after each. */
export function toCsv(submissions: readonly StoredSubmission[]): string {
  return BOM + csvRecord(COLUMNS) + submissions.map((s) => csvRecord(cells(s))).join('');
}

/** One JSON object per line, with every column (null where the submission has no such field). */
export function toJsonLines(submissions: readonly StoredSubmission[]): string {
  return submissions.map((s) => JSON.stringify(jsonObject(s)) + '\n').join('');
}

function jsonObject(submission: StoredSubmission): Record<string, string | null> {
  const object: Record<string, string | null> = { id: submission.id, submittedAt: submission.submittedAt };
  for (const name of CONTACT_FIELD_NAMES) object[name] = submission.fields[name] ?? null;
  return object;
}

export function formatSubmissions(submissions: readonly StoredSubmission[], format: Format): string {
  return format === 'csv' ? toCsv(submissions) : toJsonLines(submissions);
}
