/**
 * `npm run doctor` against the local preview (the example with www.example.com and the redirect name
 * example.com, served on loopback, the names resolved by a test DNS server): every HTTP-level check passes,
 * from --url or from a stack folder's outputs; nothing is stored without --submit, one item with it, and no
 * message content is printed. Then each of the seed story's failures, made by a proxy before the site or the
 * API (or the preview's own 502 switch), is caught by its check with the right cause, and by no other check.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { TEST_MESSAGE } from '../../scripts/doctor/api';
import { run, type Io } from '../../scripts/doctor/index';
import type { CheckResult } from '../../scripts/doctor/report';
import { PROJECT, REDIRECT_NAME, startDoctorPreview, startFront, type DoctorPreview, type Front, type Transform } from '../support/doctor-preview';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let p: DoctorPreview;
let front: Front | undefined;

beforeAll(async () => {
  p = await startDoctorPreview();
}, 180_000);

afterEach(async () => {
  await front?.stop();
  front = undefined;
  p.preview.setIntegrationFailure(false);
});

afterAll(async () => {
  await p?.stop();
});

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly checks: CheckResult[];
}

async function doctor(args: readonly string[]): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Io = {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    cwd: PROJECT,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const code = await run(['--json', '--dns-server', p.dns.server, '--timeout', '60', ...args], io);
  const json = JSON.parse(stdout.join('')) as { checks: CheckResult[] };
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), checks: json.checks };
}

const failed = (o: Outcome) => o.checks.filter((c) => c.status === 'fail').map((c) => c.check);
const skipped = (o: Outcome) => o.checks.filter((c) => c.status === 'skip').map((c) => c.check);
const find = (o: Outcome, check: string): CheckResult => {
  const found = o.checks.find((c) => c.check === check);
  if (!found) throw new Error(`no check "${check}" in: ${o.checks.map((c) => c.check).join(' | ')}`);
  return found;
};
const count = async () => (await p.preview.dynamo.send(new ScanCommand({ TableName: p.preview.tableName, Select: 'COUNT' }))).Count ?? 0;
const viaFront = async (transforms: { site?: Transform; api?: Transform }) => {
  front = await startFront(p, transforms);
  return doctor(['--url', front.siteUrl, '--api', front.apiUrl, '--redirect', REDIRECT_NAME]);
};

/** The checks that cannot apply to an http:// preview (no CloudFront, no TLS), and --submit's. */
const PREVIEW_SKIPS = [
  'certificate and protocols of www.example.com, example.com',
  'www.example.com is served by CloudFront',
  'example.com is served by CloudFront',
  'a real test message is stored',
];

test('--url (the API from the site’s config.json): every HTTP-level check passes, exit 0, nothing stored', async () => {
  const before = await count();
  const o = await doctor(['--url', p.siteUrl, '--redirect', REDIRECT_NAME]);
  expect(failed(o)).toEqual([]);
  expect(o.code).toBe(0);
  expect(skipped(o)).toEqual(PREVIEW_SKIPS);
  expect(o.checks.map((c) => c.layer)).toEqual(expect.arrayContaining(['DNS', 'CloudFront + S3', 'security headers', 'CORS', 'API + Lambda']));
  expect(find(o, '/config.json names the API').detail).toBe(`${p.preview.contactEndpoint} (checked below as the API)`);
  expect(find(o, 'example.com answers 301 to www.example.com with path and query').detail).toBe(
    '301 to https://www.example.com/doctor-check/page?doctor=1&from=redirect',
  );
  expect(find(o, `the CSP’s connect-src allows ${p.preview.apiUrl}`).status).toBe('pass');
  expect(find(o, 'an invalid form post gets the handler’s 400 error page with CORS headers').detail).toMatch(
    /^400 invalid_fields \(its HTML error page\), Access-Control-Allow-Origin: http:\/\/www\.example\.com:\d+/,
  );
  expect(await count()).toBe(before);
});

test('--stack-dir: the URLs from the state’s outputs, the redirect name from the distribution’s aliases, and / is the stack’s index.html (ETag = its MD5)', async () => {
  const statePath = join(p.stackDir, '..', '..', '..', 'terraform.contact-site.tfstate');
  writeFileSync(
    statePath,
    JSON.stringify({
      version: 4,
      outputs: {
        site_url_EE67EF5F: { value: p.siteUrl, type: 'string' },
        contact_endpoint_758CEC70: { value: p.preview.contactEndpoint, type: 'string' },
        'contact_function-name_7AFEF9AA': { value: 'contact-handler-test', type: 'string' },
      },
    }),
  );
  const o = await doctor(['--stack-dir', p.stackDir]);
  expect(failed(o)).toEqual([]);
  expect(o.code).toBe(0);
  expect(JSON.parse(o.stdout)).toMatchObject({
    ok: true,
    site: p.siteUrl,
    api: p.preview.contactEndpoint,
    names: ['www.example.com', 'example.com'],
    source: `the state ${statePath}`,
  });
  expect(find(o, "/ is this stack's index.html")).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^ETag [0-9a-f]{32} = the MD5/) });
  expect(find(o, '/config.json names the API').detail).toBe(p.preview.contactEndpoint);
});

test('--outputs-file: the URLs from cdktf deploy --outputs-file (nested by construct), the names still from the stack', async () => {
  const file = join(p.outDir, 'outputs.json');
  writeFileSync(
    file,
    JSON.stringify({
      'contact-site': {
        site: { url: p.siteUrl, 'distribution-id': 'E2EXAMPLE', 'bucket-name': 'www-example-com-site' },
        contact: { endpoint: p.preview.contactEndpoint, 'table-name': p.preview.tableName, 'function-name': 'contact-handler-test' },
      },
    }),
  );
  const o = await doctor(['--stack-dir', p.stackDir, '--outputs-file', file]);
  expect(failed(o)).toEqual([]);
  expect(JSON.parse(o.stdout)).toMatchObject({
    site: p.siteUrl,
    api: p.preview.contactEndpoint,
    names: ['www.example.com', 'example.com'],
    source: `the outputs file ${file}`,
  });
});

test('a stack folder that is not deployed: exit 3, saying what to pass; a bad option: exit 2', async () => {
  const stderr: string[] = [];
  const io: Io = {
    stdout: { write: () => true },
    stderr: { write: (t: string) => stderr.push(t) },
    cwd: PROJECT,
    now: () => new Date(),
    sleep: async () => undefined,
  };
  expect(await run(['--stack-dir', join(PROJECT, 'no-such-stack')], io)).toBe(3);
  expect(stderr.join('')).toMatch(/no synthesized stack in .*no-such-stack.*pass --stack-dir DIR, or --url/);
  expect(await run(['--url', 'ftp://example.com'], io)).toBe(2);
  expect(await run(['--frobnicate'], io)).toBe(2);
  expect(await run(['--url', 'https://www.example.com', '--dns-server', 'dns.example.com'], io)).toBe(2);
  expect(stderr.at(-1)).toMatch(/--dns-server takes an IP address/);
});

test('--submit: exactly one item is stored, its id is printed; the message’s content and address are not', async () => {
  const before = await count();
  const o = await doctor(['--url', p.siteUrl, '--submit']);
  expect(failed(o)).toEqual([]);
  const stored = find(o, 'a real test message is stored');
  const id = /^id (\S+)$/.exec(stored.detail)?.[1];
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(await count()).toBe(before + 1);
  const items = await p.preview.dynamo.send(new ScanCommand({ TableName: p.preview.tableName }));
  expect(items.Items?.some((item) => item.id?.S === id && item.message?.S === TEST_MESSAGE.message)).toBe(true);
  for (const secret of [TEST_MESSAGE.message, TEST_MESSAGE.email]) expect(o.stdout + o.stderr).not.toContain(secret);
});

test('the front (the proxies the broken variants use) changes nothing by itself: every check passes through it', async () => {
  const o = await viaFront({});
  expect(failed(o)).toEqual([]);
});

test('a server that answers 403 for missing keys (no s3:ListBucket): the 404 check fails, blaming the bucket policy', async () => {
  const o = await viaFront({
    site: (x) => {
      if (x.status !== 404) return;
      x.status = 403;
      x.headers = { 'content-type': 'application/xml', server: 'AmazonS3' };
      x.body = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    },
  });
  expect(failed(o)).toEqual(['a missing page is the 404 page, status 404']);
  expect(o.code).toBe(1);
  const check = find(o, 'a missing page is the 404 page, status 404');
  expect(check.detail).toMatch(/^403 for \/doctor-missing-[0-9a-f]{8}\.html \(S3 AccessDenied\)$/);
  expect(check.cause).toMatch(/CloudFront cannot list the bucket.*the bucket policy lacks s3:ListBucket for this distribution/);
});

test('a preflight without Access-Control-Allow-Origin: the CORS check fails, blaming the OPTIONS integration response', async () => {
  const o = await viaFront({
    api: (x) => {
      if (x.method === 'OPTIONS') delete x.headers['access-control-allow-origin'];
    },
  });
  const check = `a preflight from ${front!.siteUrl} is allowed`;
  expect(failed(o)).toEqual([check]);
  expect(find(o, check).detail).toMatch(/^204, Access-Control-Allow-Origin: \(none\)/);
  expect(find(o, check).cause).toMatch(/no Access-Control-Allow-Origin for the site: the OPTIONS integration response does not set it/);
  expect(find(o, check).fix).toMatch(/CorsPreflight/);
});

test('a preflight that allows any origin (* or the caller’s origin echoed): the foreign-origin check fails; one fixed allowed origin passes', async () => {
  const foreign = 'a preflight from another origin (https://doctor-check.invalid) is not';
  for (const [allow, expected] of [
    ['*', /allows every origin \(\*\)/],
    ['echo', /echoes any origin/],
  ] as const) {
    const o = await viaFront({
      api: (x) => {
        if (x.method === 'OPTIONS') x.headers['access-control-allow-origin'] = allow === '*' ? '*' : x.origin!;
      },
    });
    const own = `a preflight from ${front!.siteUrl} is allowed`;
    expect(failed(o)).toEqual(allow === '*' ? [own, foreign] : [foreign]);
    expect(find(o, foreign).cause).toMatch(expected);
    await front!.stop();
    front = undefined;
  }
  // The example without a domain has one site origin: its MOCK preflight answers every origin with that one.
  const o = await viaFront({
    api: (x) => {
      if (x.method === 'OPTIONS') x.headers['access-control-allow-origin'] = front!.siteUrl;
    },
  });
  expect(failed(o)).toEqual([]);
  expect(find(o, foreign).detail).toBe(`204, Access-Control-Allow-Origin: ${front!.siteUrl} only, which the browser refuses for another origin`);
});

test('a CSP without the API origin: connect-src and form-action fail, saying what the browser blocks', async () => {
  const o = await viaFront({
    site: (x) => {
      const csp = x.headers['content-security-policy'];
      if (csp) x.headers['content-security-policy'] = csp.replace(/ http:\/\/127\.0\.0\.1:\d+/g, '');
    },
  });
  const apiOrigin = new URL(front!.apiUrl).origin;
  expect(failed(o)).toEqual([`the CSP’s connect-src allows ${apiOrigin}`, `the CSP’s form-action allows ${apiOrigin}`]);
  expect(find(o, `the CSP’s connect-src allows ${apiOrigin}`)).toMatchObject({
    detail: "connect-src 'self'",
    cause: expect.stringMatching(/blocks its fetch/),
  });
  expect(find(o, `the CSP’s form-action allows ${apiOrigin}`).cause).toMatch(/without JavaScript the form cannot be posted/);
  expect(find(o, `the CSP’s connect-src allows ${apiOrigin}`).fix).toMatch(/addApiOrigin/);
});

test('a handler answering 502 (the Lambda failing): both API checks fail, naming the Lambda and where its logs are', async () => {
  p.preview.setIntegrationFailure(true);
  const o = await doctor(['--url', p.siteUrl, '--redirect', REDIRECT_NAME]);
  const checks = ['an invalid JSON body gets the handler’s 400 with CORS headers', 'an invalid form post gets the handler’s 400 error page with CORS headers'];
  expect(failed(o)).toEqual(checks);
  for (const check of checks) {
    expect(find(o, check).detail).toMatch(/^502/);
    expect(find(o, check).cause).toMatch(/API Gateway got no valid answer from the Lambda \(an opaque 502\)/);
    expect(find(o, check).fix).toMatch(/CloudWatch logs \(\/aws\/lambda\//);
  }
});

test('a handler answering a browser’s form post with JSON (an older one): the form check fails, the JSON one passes', async () => {
  const form = 'an invalid form post gets the handler’s 400 error page with CORS headers';
  const o = await viaFront({
    api: (x) => {
      if (x.method !== 'POST' || !/^text\/html/.test(x.headers['content-type'] ?? '')) return;
      x.headers['content-type'] = 'application/json; charset=utf-8';
      x.body = Buffer.from(JSON.stringify({ error: 'invalid_fields', fields: [{ field: 'email', code: 'invalid_email' }] }));
    },
  });
  expect(failed(o)).toEqual([form]);
  expect(find(o, form).detail).toMatch(/a JSON answer, where a browser posting the form without JavaScript gets the HTML error page/);
  expect(find(o, form).cause).toMatch(/another handler than this stack’s \(an older version/);
});

test('a redirect name that does not redirect: its check fails, the viewer-request function not redirecting it', async () => {
  p.dns.set('shop.example.com', { A: ['127.0.0.1'], AAAA: ['::1'] });
  const o = await doctor(['--url', p.siteUrl, '--redirect', `${REDIRECT_NAME},shop.example.com`]);
  const check = 'shop.example.com answers 301 to www.example.com with path and query';
  expect(failed(o)).toEqual([check]);
  expect(find(o, 'shop.example.com resolves (A and AAAA)').status).toBe('pass');
  expect(find(o, check).detail).toBe('404, no redirect'); // served like the site: its probe path is a missing page;
  expect(find(o, check).cause).toMatch(/the viewer-request function does not redirect it/);
  expect(find(o, check).fix).toMatch(/redirectDomainNames/);
});

test('the command: text output grouped by layer with ✔ and –, --json, and the exit code of a failure', async () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--require', 'tsx/cjs', 'scripts/doctor.ts', '--dns-server', p.dns.server, ...args],
        { cwd: PROJECT },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  const ok = await cli(['--url', p.siteUrl, '--redirect', REDIRECT_NAME]);
  expect(ok.code).toBe(0);
  const lines = ok.stdout.split('\n');
  expect(lines[0]).toBe(`Site ${p.siteUrl}, API ${p.preview.contactEndpoint} (from --url)`);
  for (const layer of ['DNS', 'TLS', 'CloudFront + S3', 'security headers', 'CORS', 'API + Lambda']) expect(lines).toContain(layer);
  expect(lines).toContain('  ✔ www.example.com resolves (A and AAAA): A 127.0.0.1, AAAA ::1');
  expect(lines).toContain('  – a real test message is stored: skipped: pass --submit to send one test message (the only check that stores anything)');
  expect(lines.at(-2)).toMatch(/^\d+ passed, 0 failed, 4 skipped$/);

  p.preview.setIntegrationFailure(true);
  const bad = await cli(['--url', p.siteUrl, '--json']);
  expect(bad.code).toBe(1);
  expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, summary: { failed: 2 } });
  const text = await cli(['--url', p.siteUrl]);
  expect(text.stdout).toMatch(/ {2}✘ an invalid JSON body gets the handler’s 400 with CORS headers: 502[^\n]*\n {6}cause: [^\n]+\n {6}fix: {3}[^\n]+/);
});
