/**
 * `npm run submissions` (node --require tsx/cjs scripts/submissions.ts) against a real table in the local AWS
 * (moto): items written by the handler's own store step, read in several pages, newest first, --since, CSV and
 * JSON lines, the table found from a stack folder's state, and the exit code of every kind of bad input.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CONTACT_FIELD_NAMES } from '../../handlers/contact/fields';
import { createDynamoDbStore, type SubmissionRecord } from '../../handlers/contact/store';
import { startLocalAws, type LocalAws } from '../../scripts/local-aws';
import { EXIT } from '../../scripts/submissions/errors';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROJECT = join(__dirname, '..', '..');
const REGION = 'us-east-1';
const TABLE = 'contact-site-contact-submissions-test';
const OTHER_TABLE = 'not-submissions';
/** Shaped like a real secret key, so that a leak would show; moto takes any credentials. */
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYtestSECRET1';
const COUNT = 25;
const PAGE_SIZE = 4;

let local: LocalAws;
let scratch: string;
let records: SubmissionRecord[];
const outputs: string[] = [];

/** Every 12 hours back from now, six hours off the hour so that no --since below falls on a submission; written out of order. */
function makeRecords(now: number): SubmissionRecord[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String((i * 7919) % 1000).padStart(12, '0')}`,
    submission: {
      first_name: ['=HYPERLINK("http://evil.example","x")', '+cmd', 'Zoë', '@SUM(1)', 'Ada'][i % 5]!,
      last_name: `Last, "${i}"`,
      email: `person${i}@example.org`,
      ...(i % 2 === 0 ? { phone_number: '+44 20 7946 0000', message: `line one\nline two ${i}` } : { company: '-minus Ltd' }),
    },
    submittedAt: new Date(now - (i * 12 + 6) * 3_600_000).toISOString(),
    userAgent: 'jest',
  }));
}

beforeAll(async () => {
  local = await startLocalAws();
  scratch = mkdtempSync(join(tmpdir(), 'submissions-cli-'));
  const client = new DynamoDBClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials });
  const table = (TableName: string, keys: [string, 'HASH' | 'RANGE'][]) =>
    client.send(
      new CreateTableCommand({
        TableName,
        KeySchema: keys.map(([AttributeName, KeyType]) => ({ AttributeName, KeyType })),
        AttributeDefinitions: keys.map(([AttributeName]) => ({ AttributeName, AttributeType: 'S' })),
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  await table(TABLE, [['id', 'HASH']]);
  await table(OTHER_TABLE, [
    ['pk', 'HASH'],
    ['sk', 'RANGE'],
  ]);
  client.destroy();

  // The handler's store step, as the Lambda runs it (endpoint and credentials from the environment).
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: local.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  const store = createDynamoDbStore({ tableName: TABLE, region: REGION });
  records = makeRecords(Date.now());
  for (const i of [...records.keys()].sort((a, b) => ((a * 11) % COUNT) - ((b * 11) % COUNT))) {
    expect(await store.save(records[i]!)).toEqual({ outcome: 'stored' });
  }
});

afterAll(async () => {
  await local?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

afterAll(() => {
  // Whatever was printed, by any run: never the secret key it was given.
  expect(outputs.join('\n')).not.toContain(SECRET);
});

/** The environment of a user with credentials for the local AWS and nothing else of this machine's. */
function userEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: scratch,
    AWS_ENDPOINT_URL: local.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: join(scratch, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The npm script's command line: node --require tsx/cjs scripts/submissions.ts ARGS. */
function submissions(args: string[], env: NodeJS.ProcessEnv = userEnv()): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join('scripts', 'submissions.ts'), ...args], {
      cwd: PROJECT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => {
      outputs.push(stdout, stderr);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A strict enough CSV reader for the check: quoted fields, "" inside, CRLF between records. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  const pattern = /"((?:[^"]|"")*)"(,|\r\n)/g;
  let row: string[] = [];
  let at = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    expect(match.index).toBe(at);
    at = pattern.lastIndex;
    row.push(match[1]!.replace(/""/g, '"'));
    if (match[2] === '\r\n') {
      rows.push(row);
      row = [];
    }
  }
  expect(at).toBe(text.length);
  return rows;
}

const newestFirst = (list: SubmissionRecord[]) => [...list].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));

test(`CSV of every submission, newest first, read ${PAGE_SIZE} items a page with a progress line for each`, async () => {
  const result = await submissions(['--table', TABLE, '--page-size', String(PAGE_SIZE)]);
  expect(result.stderr).toContain(`submissions: ${COUNT} submission(s) from ${TABLE} as csv to standard output`);
  expect(result.status).toBe(EXIT.ok);
  const pages = Math.ceil(COUNT / PAGE_SIZE);
  const progress = result.stderr.split('\n').filter((line) => line.startsWith(`submissions: reading ${TABLE}: page`));
  expect(progress.length).toBeGreaterThanOrEqual(pages);
  expect(progress.at(-1)).toMatch(new RegExp(`${COUNT} item\\(s\\) read, ${COUNT} kept, done$`));

  expect(result.stdout.startsWith('\ufeff')).toBe(true);
  const [header, ...rows] = readCsv(result.stdout.slice(1));
  expect(header).toEqual(['id', 'submittedAt', ...CONTACT_FIELD_NAMES]);
  const expected = newestFirst(records);
  expect(rows.map((row) => row[0])).toEqual(expected.map((r) => r.id));
  expect(rows.map((row) => row[1])).toEqual(expected.map((r) => r.submittedAt));
  // What a spreadsheet would run as a formula is text; the rest is as stored.
  const column = (name: string) => header!.indexOf(name);
  for (const [row, record] of rows.map((row, i) => [row, expected[i]!] as const)) {
    for (const name of CONTACT_FIELD_NAMES) {
      const stored = record.submission[name] ?? '';
      expect(row[column(name)]).toBe(/^[=+\-@\t\r]/.test(stored) ? `'${stored}` : stored);
      expect(row[column(name)]).not.toMatch(/^[=+\-@\t\r]/);
    }
  }
  expect(rows.some((row) => row[column('message')]!.includes('\n'))).toBe(true);
});

test('--since 3d and --since a UTC date keep what came from then on; JSON lines to --out, as stored, readable by the owner only', async () => {
  const recent = await submissions(['--table', TABLE, '--since', '3d', '--format', 'json', '--page-size', String(PAGE_SIZE)]);
  expect(recent.status).toBe(EXIT.ok);
  const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
  const expectedRecent = newestFirst(records.filter((r) => r.submittedAt >= threeDaysAgo));
  expect(expectedRecent).toHaveLength(6);
  expect(
    recent.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id),
  ).toEqual(expectedRecent.map((r) => r.id));

  const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
  const out = join(scratch, 'export', 'since.jsonl');
  const result = await submissions(['--table', TABLE, '--since', day, '--format', 'json', '--out', out]);
  expect(result.status).toBe(EXIT.ok);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`since ${day}T00:00:00.000Z from ${TABLE} as json to ${out}`);
  expect(statSync(out).mode & 0o777).toBe(0o600);
  const lines = readFileSync(out, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  const expected = newestFirst(records.filter((r) => r.submittedAt >= `${day}T00:00:00.000Z`));
  expect(expected.length).toBeGreaterThan(6);
  expect(expected.length).toBeLessThan(COUNT);
  expect(lines.map((line) => JSON.parse(line))).toEqual(
    expected.map((r) => ({
      id: r.id,
      submittedAt: r.submittedAt,
      ...Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, r.submission[name] ?? null])),
    })),
  );
});

describe('the table from a stack folder', () => {
  /** The example's synthesized stack (the synth baseline) in a project-like folder, its local backend's state beside it. */
  function deployedStack(fixture: string, stateOutputs?: Record<string, string>): string {
    const root = mkdtempSync(join(scratch, 'project-'));
    const stackDir = join(root, 'cdktf.out', 'stacks', 'contact-site');
    mkdirSync(stackDir, { recursive: true });
    copyFileSync(join(PROJECT, '__tests__', 'fixtures', 'synth-baseline', `${fixture}.tf.json`), join(stackDir, 'cdk.tf.json'));
    if (stateOutputs !== undefined) {
      const outputs = Object.fromEntries(Object.entries(stateOutputs).map(([name, value]) => [name, { value, type: 'string' }]));
      writeFileSync(
        join(root, 'terraform.contact-site.tfstate'),
        JSON.stringify({ version: 4, terraform_version: '1.10.5', serial: 3, outputs, resources: [] }),
      );
    }
    return stackDir;
  }

  test("reads the table name from the state's contact_table-name output, as --table does", async () => {
    const stackDir = deployedStack('the-example-no-configuration', {
      'contact_table-name_52F54EB4': TABLE,
      site_url_EE67EF5F: 'https://d111111abcdef8.cloudfront.net',
    });
    const { AWS_REGION: _, ...noRegion } = userEnv();
    const fromStack = await submissions(['--stack-dir', stackDir, '--format', 'json'], noRegion); // the region from the stack's provider
    expect(fromStack.status).toBe(EXIT.ok);
    expect(fromStack.stdout).toBe((await submissions(['--table', TABLE, '--format', 'json'])).stdout);
    expect(fromStack.stdout.split('\n')).toHaveLength(COUNT + 1);
  });

  test('an unknown folder, a stack not deployed, a state with no outputs, a remote state not initialised: exit 3', async () => {
    const cases: [string[], RegExp][] = [
      [['--stack-dir', join(scratch, 'nowhere')], /no synthesized stack in .*nowhere \(no cdk\.tf\.json\)/],
      [['--stack-dir', deployedStack('the-example-no-configuration')], /no Terraform state at .*terraform\.contact-site\.tfstate: the stack is not deployed/],
      [['--stack-dir', deployedStack('the-example-no-configuration', {})], /has no output contact_table-name_52F54EB4: deploy the stack first/],
      [
        ['--stack-dir', deployedStack('the-example-with-the-s3-remote-state-backend')],
        /state in the s3 backend and terraform output -json failed .*\((?:Error: Backend initialization required|terraform is not on PATH).*\): run terraform init there, or pass --table NAME/,
      ],
      [['--stack-dir', deployedStack('staticsite-with-upload-sync')], /has no ContactApi table output/],
    ];
    for (const [args, message] of cases) {
      const result = await submissions(args);
      expect({ args, status: result.status, stderr: result.stderr }).toEqual({ args, status: EXIT.stack, stderr: expect.stringMatching(message) });
      expect(result.stdout).toBe('');
    }
  });
});

test('a table that is not a submissions table, and one that does not exist: exit 4', async () => {
  expect(await submissions(['--table', OTHER_TABLE])).toMatchObject({
    status: EXIT.table,
    stdout: '',
    stderr: expect.stringContaining(`${OTHER_TABLE} is not a submissions table: its key is pk (HASH), sk (RANGE)`),
  });
  expect(await submissions(['--table', 'no-such-table'])).toMatchObject({
    status: EXIT.table,
    stderr: expect.stringContaining(`no table no-such-table (${REGION})`),
  });
});

test('no credentials anywhere in the default chain: exit 5, saying so', async () => {
  const { AWS_ACCESS_KEY_ID: _, AWS_SECRET_ACCESS_KEY: __, ...env } = userEnv();
  const result = await submissions(['--table', TABLE], env);
  expect(result).toMatchObject({
    status: EXIT.aws,
    stdout: '',
    stderr: expect.stringContaining('no AWS credentials: the default credential chain found none'),
  });
});

test('bad --since, bad --format, an unknown option: exit 2 before any AWS call', async () => {
  for (const [args, message] of [
    [['--table', TABLE, '--since', 'last week'], '--since takes a duration'],
    [['--table', TABLE, '--format', 'xlsx'], '--format is csv or json, not "xlsx"'],
    [['--tabel', TABLE], "Unknown option '--tabel'"],
  ] as const) {
    expect(await submissions([...args])).toMatchObject({ status: EXIT.usage, stdout: '', stderr: expect.stringContaining(message) });
  }
});
