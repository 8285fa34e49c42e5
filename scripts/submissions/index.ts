/**
 * `npm run submissions`: read the options, find the table (--table, or the stack's outputs), check it is a
 * submissions table, read it page by page, format CSV or JSON lines, write. `run` is the whole command.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EXIT, fromAwsError, redact, SubmissionsError, type ExitCode } from './errors';
import { formatSubmissions } from './format';
import { DEFAULT_STACK_DIR, parseArgs, USAGE, type SubmissionsOptions } from './options';
import { tableFromStack } from './stack';
import { checkSubmissionsTable, readSubmissions, type ScanProgress } from './table';
import { processCliIo, type CliIo } from '../cli-io';

export { EXIT } from './errors';

/** The project root (this file is scripts/submissions/index.ts): the default stack folder is under it. */
const PROJECT_ROOT = resolve(__dirname, '..', '..');

export type Io = CliIo;

export async function run(argv: readonly string[], io: Io = processCliIo()): Promise<ExitCode> {
  try {
    const options = parseArgs(argv, io.now());
    if (options.help) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    const target = findTable(options, io.cwd);
    const client = new DynamoDBClient({ region: target.region });
    try {
      // The region the SDK settled on (--region, the stack's, else the environment's or profile's), for messages.
      const region = await client.config.region().catch((error: unknown) => {
        throw fromAwsError(error, { ...target, action: 'finding the region' });
      });
      await checkSubmissionsTable(client, { tableName: target.tableName, region });
      const submissions = await readSubmissions(client, {
        tableName: target.tableName,
        region,
        since: options.since,
        pageSize: options.pageSize,
        onPage: progress(io.stderr, target.tableName),
      });
      const text = formatSubmissions(submissions, options.format);
      let where = 'standard output';
      if (options.out === undefined) io.stdout.write(text);
      else where = writeFile(resolve(io.cwd, options.out), text);
      const since = options.since === undefined ? '' : ` since ${options.since.toISOString()}`;
      io.stderr.write(`submissions: ${submissions.length} submission(s)${since} from ${target.tableName} as ${options.format} to ${where}\n`);
    } finally {
      client.destroy();
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof SubmissionsError) {
      const hint = error.exitCode === EXIT.usage ? ' (see --help)' : '';
      io.stderr.write(`submissions: ${redact(error.message)}${hint}\n`);
      return error.exitCode;
    }
    io.stderr.write(`submissions: unexpected failure: ${redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}\n`);
    return EXIT.failed;
  }
}

interface Target {
  readonly tableName: string;
  readonly region?: string;
}

/** --table as given, or the stack's table (the example's stack when neither --table nor --stack-dir is given). */
function findTable(options: SubmissionsOptions, cwd: string): Target {
  const region = options.region;
  if (options.table !== undefined) return { tableName: options.table, region };
  const stackDir = options.stackDir === undefined ? join(PROJECT_ROOT, DEFAULT_STACK_DIR) : resolve(cwd, options.stackDir);
  const stack = tableFromStack(stackDir);
  return { tableName: stack.tableName, region: region ?? stack.region };
}

/** A progress line on stderr once a scan takes more than one page: rewritten in place on a terminal. */
function progress(stderr: Io['stderr'], tableName: string): (p: ScanProgress) => void {
  return (p) => {
    if (p.pages === 1 && !p.more) return;
    const line = `submissions: reading ${tableName}: page ${p.pages}, ${p.scanned} item(s) read, ${p.kept} kept${p.more ? ' …' : ', done'}`;
    stderr.write(stderr.isTTY ? `\r${line}\x1b[K${p.more ? '' : '\n'}` : `${line}\n`);
  };
}

/** Writes `text` to `path` readable by its owner only (the submissions are personal data), whole or not at all. */
function writeFile(path: string, text: string): string {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new SubmissionsError(`cannot write ${path}: ${(error as Error).message}`, EXIT.usage);
  }
  return path;
}
