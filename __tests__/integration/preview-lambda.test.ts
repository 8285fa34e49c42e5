/**
 * The preview's local Lambda runtime (preview/lambda.ts): a zip's handler in a worker thread whose
 * environment is only the function's, with the function's timeout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZip } from '../../handlers/zip';
import { startFunction, type LocalFunction } from '../../preview/lambda';

const HANDLER = `
let invocations = 0;
const loadedWith = process.env.GREETING;
exports.run = async (event, context) => {
  invocations++;
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.fail) throw new Error('boom');
  return { loadedWith, invocations, requestId: context.awsRequestId, parentSecret: process.env.PARENT_ONLY ?? null };
};
`;

let dir: string;
let fn: LocalFunction;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'preview-lambda-'));
  const zipPath = join(dir, 'fn.zip');
  writeFileSync(zipPath, createZip([{ name: 'main.js', data: Buffer.from(HANDLER) }]));
  process.env.PARENT_ONLY = 'must not leak';
  fn = startFunction({ zipPath, handler: 'main.run', environment: { GREETING: 'hello' }, timeoutSeconds: 1 });
});

afterAll(async () => {
  delete process.env.PARENT_ONLY;
  await fn.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("runs the zip's handler with its environment read at load, and nothing of the parent's environment", async () => {
  const outcome = await fn.invoke({}, { awsRequestId: 'r1' });
  expect(outcome).toEqual({ ok: true, result: { loadedWith: 'hello', invocations: 1, requestId: 'r1', parentSecret: null } });
  expect(await fn.invoke({}, { awsRequestId: 'r2' })).toMatchObject({ ok: true, result: { invocations: 2 } }); // warm
});

test('a thrown error is an error outcome; the same instance keeps serving', async () => {
  const outcome = await fn.invoke({ fail: true }, { awsRequestId: 'r3' });
  expect(outcome).toMatchObject({ ok: false, kind: 'error' });
  expect(outcome.ok ? '' : outcome.error).toContain('boom');
  expect(await fn.invoke({}, { awsRequestId: 'r4' })).toMatchObject({ ok: true, result: { invocations: 4 } });
});

test('past the timeout the invocation fails and the next one gets a fresh instance (a cold start)', async () => {
  const outcome = await fn.invoke({ sleepMs: 5000 }, { awsRequestId: 'r5' });
  expect(outcome).toEqual({ ok: false, kind: 'timeout', error: 'Task timed out after 1.00 seconds' });
  expect(await fn.invoke({}, { awsRequestId: 'r6' })).toMatchObject({ ok: true, result: { invocations: 1 } });
});
