/**
 * `npm run submissions`' command line (scripts/submissions/options.ts): --since, the option errors and their
 * exit codes through `run`, and the table name read from a stack folder's Terraform state (stack.ts), all without AWS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, redact } from '../scripts/submissions/errors';
import { run, type Io } from '../scripts/submissions/index';
import { parseArgs, parseSince } from '../scripts/submissions/options';
import { providerRegion, tableFromStack } from '../scripts/submissions/stack';

const NOW = new Date('2026-11-10T12:00:00.000Z');

describe('--since', () => {
  test.each([
    ['7d', '2026-11-03T12:00:00.000Z'],
    ['24h', '2026-11-09T12:00:00.000Z'],
    ['2w', '2026-10-27T12:00:00.000Z'],
    ['30m', '2026-11-10T11:30:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-11-01T09:30:00Z', '2026-11-01T09:30:00.000Z'],
    ['2026-11-01T09:30Z', '2026-11-01T09:30:00.000Z'],
    ['2026-11-01T09:30:00.5+01:00', '2026-11-01T08:30:00.500Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseSince(text, NOW).toISOString()).toBe(iso);
  });

  test.each([
    '',
    '7',
    'd',
    '-7d',
    '7 d',
    '7D',
    '1.5d',
    '0d',
    '7y',
    '99999999d',
    '2026-13-01',
    '2026-02-30',
    '2025-02-29',
    '26-11-01',
    '2026/11/01',
    '2026-11-01T25:00Z',
    '2026-11-01T09:30',
    '2026-11-01T09:30:00+25:00',
    'yesterday',
  ])('%j is refused with a usage error', (text) => {
    expect(() => parseSince(text, NOW)).toThrow(expect.objectContaining({ exitCode: EXIT.usage, message: expect.stringContaining('--since takes') }));
  });
});

describe('options', () => {
  test('defaults: the example stack, CSV, standard output', () => {
    expect(parseArgs([], NOW)).toEqual({
      stackDir: undefined,
      table: undefined,
      region: undefined,
      since: undefined,
      format: 'csv',
      out: undefined,
      pageSize: undefined,
      help: false,
    });
  });

  test('every option, with a space or =', () => {
    expect(parseArgs(['--table=t', '--region', 'eu-west-1', '--since', '7d', '--format=json', '--out', 'x.jsonl', '--page-size', '25'], NOW)).toEqual({
      stackDir: undefined,
      table: 't',
      region: 'eu-west-1',
      since: new Date('2026-11-03T12:00:00.000Z'),
      format: 'json',
      out: 'x.jsonl',
      pageSize: 25,
      help: false,
    });
  });

  test.each([
    [['--format', 'xml'], '--format is csv or json, not "xml"'],
    [['--format', 'CSV'], '--format is csv or json'],
    [['--since', 'soon'], '--since takes'],
    [['--since'], "--since <value>' argument missing"],
    [['--table', ''], '--table needs a value'],
    [['--table', 't', '--stack-dir', 'd'], 'give --stack-dir or --table, not both'],
    [['--page-size', '0'], '--page-size needs a whole number of at least 1'],
    [['--page-size', '1e3'], '--page-size needs a whole number'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['stray'], 'Unexpected argument'],
  ])('%j: exit 2, %s', async (argv, message) => {
    const io = memoryIo();
    expect(await run(argv, io)).toBe(EXIT.usage);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain('(see --help)');
    expect(io.out()).toBe('');
  });

  test('--help prints the usage with the exit codes, and exits 0', async () => {
    const io = memoryIo();
    expect(await run(['--help'], io)).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^Usage: npm run submissions -- \[options\]/);
    expect(io.out()).toContain('Exit codes: 0 written');
  });
});

describe('the table from the stack', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'submissions-stack-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const stack = (backend: object = { local: { path: 'state/terraform.tfstate' } }, outputs: string[] = ['contact_table-name_52F54EB4']) =>
    writeFileSync(
      join(dir, 'cdk.tf.json'),
      JSON.stringify({
        terraform: { backend },
        provider: { aws: [{ region: 'eu-west-2' }, { alias: 'us_east_1', region: 'us-east-1' }] },
        output: Object.fromEntries([...outputs, 'site_url_EE67EF5F'].map((name) => [name, { value: '${x}' }])),
      }),
    );
  const state = (path: string, outputs: Record<string, unknown>) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(
      join(dir, path),
      JSON.stringify({ version: 4, outputs: Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value, type: 'string' }])) }),
    );
  };

  test("the table-name output of the local backend's state, and the default provider's region", () => {
    stack();
    state('state/terraform.tfstate', { 'contact_table-name_52F54EB4': 'contact-site-contact-submissions-1', site_url_EE67EF5F: 'https://x' });
    expect(tableFromStack(dir)).toMatchObject({ tableName: 'contact-site-contact-submissions-1', region: 'eu-west-2' });
  });

  test("an override file's backend wins, as in Terraform (npm run local-aws's local_aws.tfstate)", () => {
    stack();
    writeFileSync(join(dir, 'local_aws_override.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'local_aws.tfstate' } } } }));
    state('local_aws.tfstate', { 'contact_table-name_52F54EB4': 'local-table' });
    expect(tableFromStack(dir).tableName).toBe('local-table');
  });

  test.each([
    ['no folder', () => rmSync(dir, { recursive: true }), /no synthesized stack in .* \(no cdk\.tf\.json\)/],
    ['no table output in the stack', () => stack(undefined, []), /has no ContactApi table output/],
    ['not deployed: no state file', () => stack(), /no Terraform state at .*state\/terraform\.tfstate: the stack is not deployed/],
    ['a state without outputs', () => (stack(), state('state/terraform.tfstate', {})), /has no output contact_table-name_52F54EB4: deploy the stack first/],
    [
      'two tables',
      () => (
        stack(undefined, ['a_table-name_00000000', 'b_table-name_11111111']),
        state('state/terraform.tfstate', { 'a_table-name_00000000': 'a', 'b_table-name_11111111': 'b' })
      ),
      /the stack has 2 submissions tables .*: pass --table NAME/,
    ],
    [
      'a state that is not JSON',
      () => (stack(), state('state/terraform.tfstate', {}), writeFileSync(join(dir, 'state/terraform.tfstate'), '{')),
      /is not readable JSON/,
    ],
  ])('%s: exit 3', async (_, arrange, message) => {
    arrange();
    expect(() => tableFromStack(dir)).toThrow(expect.objectContaining({ exitCode: EXIT.stack, message: expect.stringMatching(message) }));
    const io = memoryIo();
    expect(await run(['--stack-dir', dir], io)).toBe(EXIT.stack);
    expect(io.err()).toMatch(message);
  });

  test('a region that is a token or absent is left to the AWS SDK', () => {
    expect(providerRegion({ provider: { aws: [{ region: '${var.region}' }] } })).toBeUndefined();
    expect(providerRegion({})).toBeUndefined();
    expect(providerRegion({ provider: { aws: { region: 'us-gov-west-1' } } })).toBe('us-gov-west-1');
  });
});

test('messages never carry a credential of the environment or anything shaped like an access key id', () => {
  // Put together at run time, so that the repository holds nothing shaped like a secret key (secrets-scan.test.ts).
  const secret = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYzzzzzzzzzz'].join('/');
  const env = { AWS_SECRET_ACCESS_KEY: secret, AWS_ACCESS_KEY_ID: 'test' };
  expect(redact(`key AKIAIOSFODNN7EXAMPLE secret ${secret} test`, env)).toBe('key AKIA… secret [AWS_SECRET_ACCESS_KEY] test');
});

function memoryIo(): Io & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd: process.cwd(),
    now: () => NOW,
    out: () => out,
    err: () => err,
  };
}
