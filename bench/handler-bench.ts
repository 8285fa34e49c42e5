/**
 * Benchmark of the contact handler (a script, not a test): `npx tsx bench/handler-bench.ts`.
 * Prints, from one run: zip sizes (SDK bundled and external); cold start of a fresh process that loads the
 * bundle and answers its first request, as a ratio to a fresh process that only loads the SDK client; and
 * requests per second through the handler against dynalite, as a ratio to raw PutItem calls with the same
 * client settings. Writes bench/handler-results.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { bundleContactHandler, bundleNotifyHandler, LAMBDA_RUNTIME } from '../handlers/bundle';
import type { ApiGatewayEvent, ApiGatewayResult } from '../handlers/contact/index';
import { DYNAMODB_HTTP_OPTIONS, toItem } from '../handlers/contact/store';
import { createContactTable, extractHandler, localHandlerEnvironment } from '../handlers/local-dynamodb';

const ROOT = resolve(__dirname, '..');
const TABLE = 'contact-bench';
const SITE = 'https://www.example.com';
const BUDGET = { zipBundledBytes: 120 * 1024, zipExternalBytes: 5 * 1024, coldStartRatio: 1.3, throughputRatio: 0.8 };
const COLD_START_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 15);
const THROUGHPUT_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const THROUGHPUT_ROUNDS = 7;
const CONCURRENCY = 8;

const SUBMISSION = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.org',
  company: 'Analytical Engines Ltd',
  message: 'Hello, I would like a quote for a difference engine.',
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** dynalite in its own process, so it does not compete with the measured code for this process's CPU. */
async function startDynaliteProcess(): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['-e', `require('dynalite')({ createTableMs: 0 }).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolvePort, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolvePort(data.toString().trim()));
    child.once('exit', () => reject(new Error('dynalite exited')));
  });
  return { endpoint: `http://127.0.0.1:${port}`, child };
}

function event(): ApiGatewayEvent {
  return {
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE, 'User-Agent': 'bench/1.0' },
    body: JSON.stringify(SUBMISSION),
    isBase64Encoded: false,
    requestContext: { requestId: 'bench' },
  };
}

/** Wall time (ms) of a fresh `node` process running `script`, from spawn to exit. */
function timeProcess(script: string, env: Record<string, string>): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', script], { cwd: tmpdir(), env: { ...process.env, ...env }, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 || !result.stdout.includes('ok')) throw new Error(`cold-start child failed: ${result.stderr}${result.stdout}`);
  return elapsed;
}

/** Median wall times of fresh processes: SDK client only, and each handler file loading + first request. */
function coldStarts(handlerFiles: Record<string, string>, env: Record<string, string>) {
  const sdkOnly = `const { DynamoDBClient } = require('@aws-sdk/client-dynamodb'); new DynamoDBClient({ region: 'us-east-1' }); console.log('ok')`;
  const firstRequest = (file: string) =>
    `require(${JSON.stringify(file)}).handler(${JSON.stringify(event())}, { awsRequestId: 'cold' })` +
    `.then((r) => { if (r.statusCode !== 201) throw new Error(r.body); console.log('ok') })`;
  const scripts: Record<string, string> = { sdkOnly, ...Object.fromEntries(Object.entries(handlerFiles).map(([name, file]) => [name, firstRequest(file)])) };
  // NODE_PATH lets the SDK-only child (and an SDK-external bundle) resolve the SDK from this repo.
  const childEnv = { ...env, NODE_PATH: join(ROOT, 'node_modules') };
  const samples: Record<string, number[]> = {};
  for (let i = -1; i < COLD_START_SAMPLES; i++) {
    for (const [name, script] of Object.entries(scripts)) {
      const elapsed = timeProcess(script, childEnv);
      if (i >= 0) (samples[name] ??= []).push(elapsed); // round -1 warms the OS file cache
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/**
 * The notifier's cold start: a fresh process that loads its bundle and handles one batch whose record it skips
 * (a MODIFY), so no network is timed; against a process that only constructs the SNS client.
 */
function notifierColdStart(file: string): { sdkOnly: number; notifier: number } {
  const sdkOnly = `const { SNSClient } = require('@aws-sdk/client-sns'); new SNSClient({ region: 'us-east-1' }); console.log('ok')`;
  const batch = { Records: [{ eventID: 'e1', eventName: 'MODIFY', dynamodb: { SequenceNumber: '1' } }] };
  const firstBatch =
    `require(${JSON.stringify(file)}).handler(${JSON.stringify(batch)}, { awsRequestId: 'cold' })` +
    `.then((r) => { if (r.batchItemFailures.length !== 0) throw new Error(JSON.stringify(r)); console.log('ok') })`;
  const env = { NODE_PATH: join(ROOT, 'node_modules'), AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:bench' };
  const samples: Record<'sdkOnly' | 'notifier', number[]> = { sdkOnly: [], notifier: [] };
  for (let i = -1; i < COLD_START_SAMPLES; i++) {
    const a = timeProcess(sdkOnly, env);
    const b = timeProcess(firstBatch, env);
    if (i >= 0) {
      samples.sdkOnly.push(a);
      samples.notifier.push(b);
    }
  }
  return { sdkOnly: median(samples.sdkOnly), notifier: median(samples.notifier) };
}

async function runConcurrently(total: number, task: () => Promise<void>): Promise<number> {
  let started = 0;
  const begin = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started++ < total) await task();
    }),
  );
  return total / (Number(process.hrtime.bigint() - begin) / 1e9);
}

async function throughput(handlerFile: string) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler as built: a bundle whose path is known at run time
  const { handler } = require(handlerFile) as { handler: (e: ApiGatewayEvent, c: object) => Promise<ApiGatewayResult> };
  // The same settings as the handler's own client (store.ts); the endpoint comes from the environment.
  const client = new DynamoDBClient({ region: 'us-east-1', requestHandler: { ...DYNAMODB_HTTP_OPTIONS } });
  const viaHandler = async () => {
    const response = await handler(event(), { awsRequestId: 'bench' });
    if (response.statusCode !== 201) throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  };
  const rawPut = async () => {
    const item = toItem({ id: randomUUID(), submission: SUBMISSION, submittedAt: new Date().toISOString(), userAgent: 'bench/1.0' });
    await client.send(new PutItemCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
  };
  await runConcurrently(200, viaHandler); // warm-up: connections, JIT
  await runConcurrently(200, rawPut);
  // Rounds alternate which side runs first; each round's ratio compares neighbours in time, which cancels most
  // of the drift of a shared machine.
  const handlerRps: number[] = [];
  const rawRps: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    const [first, second] = round % 2 === 0 ? [viaHandler, rawPut] : [rawPut, viaHandler];
    const firstRps = await runConcurrently(THROUGHPUT_REQUESTS, first);
    const secondRps = await runConcurrently(THROUGHPUT_REQUESTS, second);
    const [handlerRound, rawRound] = round % 2 === 0 ? [firstRps, secondRps] : [secondRps, firstRps];
    handlerRps.push(handlerRound);
    rawRps.push(rawRound);
    ratios.push(handlerRound / rawRound);
  }
  client.destroy();

  // The handler's own CPU per request, without DynamoDB: a honeypot submission is parsed, then answered.
  const honeypot = { ...event(), body: JSON.stringify({ ...SUBMISSION, _gotcha: 'bot' }) };
  for (let i = 0; i < 2000; i++) await handler(honeypot, {});
  const started = process.hrtime.bigint();
  for (let i = 0; i < 20000; i++) await handler(honeypot, {});
  const handlerCpuMicros = Number(process.hrtime.bigint() - started) / 1e3 / 20000;
  return { handlerRps: median(handlerRps), rawRps: median(rawRps), ratio: median(ratios), handlerCpuMicros };
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'contact-bench-'));
  const bundled = bundleContactHandler({ outDir: join(outDir, 'bundled') });
  const external = bundleContactHandler({ outDir: join(outDir, 'external'), sdk: 'external' });
  const notifier = bundleNotifyHandler({ outDir: join(outDir, 'notifier') });

  const dynalite = await startDynaliteProcess();
  try {
    const env = { ...localHandlerEnvironment(dynalite.endpoint, TABLE, SITE), AWS_MAX_ATTEMPTS: '1' };
    Object.assign(process.env, env);
    const setupClient = new DynamoDBClient({});
    await createContactTable(setupClient, TABLE);
    setupClient.destroy();
    const childEnv = { ...env };
    const bundledFile = extractHandler(bundled.zipPath);
    const externalFile = extractHandler(external.zipPath);

    const cold = coldStarts({ bundled: bundledFile, external: externalFile }, childEnv);
    const notifierCold = notifierColdStart(extractHandler(notifier.zipPath));
    const coldNotifier = notifierCold.notifier / notifierCold.sdkOnly;
    const coldBundled = cold.bundled! / cold.sdkOnly!;
    const coldExternal = cold.external! / cold.sdkOnly!;
    // The handler logs one JSON line per request; printing thousands of them would measure the terminal.
    const log = console.log;
    console.log = () => undefined;
    let rates;
    try {
      rates = await throughput(bundledFile);
    } finally {
      console.log = log;
    }

    const rows: [string, string, string, string][] = [
      [
        'zip size, SDK bundled',
        `${(bundled.sizeBytes / 1024).toFixed(1)} KB`,
        `< ${BUDGET.zipBundledBytes / 1024} KB`,
        verdict(bundled.sizeBytes < BUDGET.zipBundledBytes),
      ],
      [
        'zip size, SDK external',
        `${(external.sizeBytes / 1024).toFixed(1)} KB`,
        `< ${BUDGET.zipExternalBytes / 1024} KB`,
        verdict(external.sizeBytes < BUDGET.zipExternalBytes),
      ],
      ['cold start: process that only loads the SDK client', `${cold.sdkOnly!.toFixed(0)} ms`, '', ''],
      ['cold start: SDK-bundled handler, load + first request', `${cold.bundled!.toFixed(0)} ms`, '', ''],
      ['cold start ratio, SDK bundled', coldBundled.toFixed(2), `< ${BUDGET.coldStartRatio}`, verdict(coldBundled < BUDGET.coldStartRatio)],
      ['cold start: SDK-external handler, load + first request', `${cold.external!.toFixed(0)} ms`, '', ''],
      ['cold start ratio, SDK external', coldExternal.toFixed(2), `< ${BUDGET.coldStartRatio}`, verdict(coldExternal < BUDGET.coldStartRatio)],
      ['requests/s through the handler (bundled)', rates.handlerRps.toFixed(0), '', ''],
      ['raw PutItem calls/s, same client settings', rates.rawRps.toFixed(0), '', ''],
      ['throughput ratio (median of per-round ratios)', rates.ratio.toFixed(2), `> ${BUDGET.throughputRatio}`, verdict(rates.ratio > BUDGET.throughputRatio)],
      ['handler time per request without DynamoDB (honeypot path)', `${rates.handlerCpuMicros.toFixed(1)} µs`, '', ''],
      [
        'notifier zip size, SDK bundled',
        `${(notifier.sizeBytes / 1024).toFixed(1)} KB`,
        `< ${BUDGET.zipBundledBytes / 1024} KB`,
        verdict(notifier.sizeBytes < BUDGET.zipBundledBytes),
      ],
      ['notifier cold start: load + one batch (a skipped record, no network)', `${notifierCold.notifier.toFixed(0)} ms`, '', ''],
      [
        'notifier cold start ratio, against a process that only makes the SNS client',
        coldNotifier.toFixed(2),
        `< ${BUDGET.coldStartRatio}`,
        verdict(coldNotifier < BUDGET.coldStartRatio),
      ],
    ];
    const table = ['| measure | value | budget | |', '|---|---:|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
    console.log(table);

    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
    writeFileSync(
      join(ROOT, 'bench', 'handler-results.md'),
      `# Contact handler benchmark\n\nRun with \`npx tsx bench/handler-bench.ts\` on ${machine}; the Lambda runtime is ${LAMBDA_RUNTIME}.\n` +
        `Cold start: median of ${COLD_START_SAMPLES} fresh \`node\` processes each (spawn to exit, so Node's own start-up is in both).\n` +
        `Throughput: ${CONCURRENCY} requests in flight, ${THROUGHPUT_ROUNDS} alternating rounds of ${THROUGHPUT_REQUESTS} each side (medians); dynalite runs in its own process.\n\n` +
        `${table}\n\n${DECISION}\n`,
    );
  } finally {
    dynalite.child.kill();
  }
}

const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER');

const DECISION = `## SDK bundled or left to the runtime?

Bundled (the default of \`bundleContactHandler\`), because:
- the function then runs the SDK version these tests ran against (pinned by the lock file), not whatever SDK v3 the
  ${LAMBDA_RUNTIME} runtime ships that month;
- the cost is small: the bundled zip is within its 120 KB budget, and its cold start (one tree-shaken file built from the
  SDK's ES modules) measures about the same as the SDK-external bundle loading the SDK from node_modules (within the
  noise of this shared 2-core machine; the table shows both ratios);
- the SDK-external zip does not meet its own 5 KB budget either: the handler's own code (parsing of four body formats,
  validation, CORS) is about 6 KB zipped.
\`bundleContactHandler({ sdk: 'external' })\` remains available for whoever prefers the runtime's SDK.

Cold-start caveat: these are local \`node\` processes, not Lambda's runtime (whose SDK copy may already sit in the page
cache); the ratio compares like with like on this machine only.
`;

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
