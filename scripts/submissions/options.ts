/** The command line of `npm run submissions`: its options, --since, and the usage text. */
import { parseArgs as parseCommandLine } from 'node:util';
import { usageError } from './errors';

export const DEFAULT_STACK_DIR = 'cdktf.out/stacks/contact-site';

export const FORMATS = ['csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export const USAGE = `Usage: npm run submissions -- [options]

Lists or exports the contact form's submissions, newest first, from the stack's DynamoDB table, with
the default AWS credential chain (AWS_PROFILE, environment, SSO, instance role).

  --stack-dir <dir>  a synthesized, deployed stack folder: the table name is its Terraform output
                     ...table-name_... from the state (default: ${DEFAULT_STACK_DIR})
  --table <name>     the table itself, instead of --stack-dir
  --region <region>  the table's region (default: the stack's provider region, else AWS_REGION / the profile's)
  --since <when>     only submissions from then on: a duration back from now (7d, 24h, 2w, 30m)
                     or a UTC date or time (2026-11-01, 2026-11-01T09:30:00Z)
  --format <fmt>     csv (default: UTF-8 with BOM, RFC 4180, safe to open in a spreadsheet)
                     or json (JSON lines: one object per submission)
  --out <file>       write to <file> (readable by you only) instead of standard output
  --page-size <n>    items per Scan request (default: DynamoDB's 1 MB pages)
  -h, --help         this text

CSV cells that begin with = + - @, a tab or a carriage return get a leading ' so that a spreadsheet
shows them as text and runs no formula (a phone number +44... reads '+44...); JSON lines are as stored.

Exit codes: 0 written, 1 unexpected failure, 2 bad command line (option, --since, --format, --out not writable),
3 no table name from the stack (unknown folder, not deployed, no table output),
4 the table does not exist or is not a submissions table, 5 no AWS credentials or region, or access refused.
`;

export interface SubmissionsOptions {
  /** The stack folder as given (relative to the user's folder); neither it nor `table`: the example's stack. */
  readonly stackDir?: string;
  readonly table?: string;
  readonly region?: string;
  /** Submissions at or after this instant. */
  readonly since?: Date;
  readonly format: Format;
  readonly out?: string;
  readonly pageSize?: number;
  readonly help: boolean;
}

/** Parses the command line (strict: unknown options, missing or empty values and stray arguments are refused). */
export function parseArgs(argv: readonly string[], now: Date = new Date()): SubmissionsOptions {
  let values;
  try {
    ({ values } = parseCommandLine({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'stack-dir': { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        since: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'page-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0]!);
  }
  for (const [name, value] of Object.entries(values)) {
    if (value === '') throw usageError(`--${name} needs a value`);
  }
  if (values['stack-dir'] !== undefined && values.table !== undefined) throw usageError('give --stack-dir or --table, not both');
  const format = values.format ?? 'csv';
  if (!(FORMATS as readonly string[]).includes(format)) throw usageError(`--format is csv or json, not "${format}"`);
  return {
    stackDir: values['stack-dir'],
    table: values.table,
    region: values.region,
    since: values.since === undefined ? undefined : parseSince(values.since, now),
    format: format as Format,
    out: values.out,
    pageSize: values['page-size'] === undefined ? undefined : parsePageSize(values['page-size']),
    help: values.help ?? false,
  };
}

function parsePageSize(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw usageError(`--page-size needs a whole number of at least 1, not "${text}"`);
  return n;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
/** Longest duration --since takes: 100 years, far beyond any table, well inside Date's range. */
const MAX_DURATION_MS = 36_525 * UNIT_MS.d;
const DURATION = /^(\d{1,9})([mhdw])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `--since`: a duration back from `now` (`7d`, `24h`, `2w`, `30m`), a UTC date (`2026-11-01`, its midnight)
 * or an ISO 8601 time with a zone (`2026-11-01T09:30:00Z`, `2026-11-01T09:30+01:00`).
 */
export function parseSince(text: string, now: Date = new Date()): Date {
  const bad = (why: string) =>
    usageError(`--since takes a duration (7d, 24h, 2w, 30m) or a date (2026-11-01, UTC) or time (2026-11-01T09:30:00Z); "${text}" ${why}`);
  const duration = DURATION.exec(text);
  if (duration) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
    if (ms === 0) throw bad('is no time at all');
    if (ms > MAX_DURATION_MS) throw bad('is more than 100 years');
    return new Date(now.getTime() - ms);
  }
  const dateTime = DATE_TIME.exec(text);
  if (dateTime) {
    const [, day, hours, minutes, seconds] = dateTime;
    if (!isCalendarDate(day!) || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59) throw bad('is not a real time');
    const zone = dateTime[6]!;
    if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) throw bad('has an impossible zone offset');
    return new Date(Date.parse(text));
  }
  if (DATE.test(text)) {
    if (!isCalendarDate(text)) throw bad('is not a real date');
    return new Date(`${text}T00:00:00.000Z`);
  }
  throw bad('is neither');
}

/** Whether `YYYY-MM-DD` names a day of the calendar (no 2026-02-30) from the year 1000 on. */
function isCalendarDate(text: string): boolean {
  const [, year, month, day] = DATE.exec(text) ?? [];
  if (year === undefined || Number(year) < 1000) return false;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.toISOString().slice(0, 10) === text;
}
