import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { extractHandler } from '../handlers/local-dynamodb';

/**
 * A Lambda function run locally from its deployment zip: the zip is extracted and its module
 * required inside a worker thread whose `process.env` is only the function's environment, so the
 * handler reads its configuration at load exactly as in Lambda and nothing leaks between the
 * preview's process and the handler (or between two previews). A timeout ends the worker and the
 * next invocation starts a fresh one (a cold start), as Lambda does.
 */
export interface LocalFunctionOptions {
  readonly zipPath: string;
  /** `index.handler`: file `index.js` of the zip, export `handler`. */
  readonly handler: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** Each line the handler writes to stdout/stderr. */
  readonly onLog?: (line: string) => void;
}

export type InvokeOutcome =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly kind: 'error' | 'timeout'; readonly error: string };

export interface LocalFunction {
  invoke(event: unknown, context: { awsRequestId: string }): Promise<InvokeOutcome>;
  stop(): Promise<void>;
}

// Plain JavaScript, evaluated as the worker's script so that it needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const handler = require(workerData.file)[workerData.exportName];
parentPort.on('message', async ({ id, event, context }) => {
  try {
    if (typeof handler !== 'function') throw new Error('the handler ' + workerData.exportName + ' is not a function');
    const result = await handler(event, { ...context, functionName: 'local', getRemainingTimeInMillis: () => workerData.timeoutMs });
    parentPort.postMessage({ id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: String((error && error.stack) || error) });
  }
});
`;

export function startFunction(options: LocalFunctionOptions): LocalFunction {
  const dot = options.handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`preview: handler "${options.handler}" is not "file.export"`);
  const indexPath = extractHandler(options.zipPath);
  const file = indexPath.replace(/index\.js$/, `${options.handler.slice(0, dot)}.js`);
  const exportName = options.handler.slice(dot + 1);
  const timeoutMs = options.timeoutSeconds * 1000;

  // Each instance (worker) has its own pending invocations, so the end of a timed-out instance
  // fails only the invocations it was running.
  interface Instance {
    readonly worker: Worker;
    readonly pending: Map<number, (outcome: InvokeOutcome) => void>;
  }
  let current: Instance | undefined;
  let nextId = 0;

  const start = (): Instance => {
    const pending = new Map<number, (outcome: InvokeOutcome) => void>();
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      env: { ...options.environment },
      workerData: { file, exportName, timeoutMs },
      stdout: true,
      stderr: true,
    });
    for (const stream of [w.stdout, w.stderr]) {
      createInterface({ input: stream }).on('line', (line) => options.onLog?.(line));
    }
    w.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.ok ? { ok: true, result: message.result } : { ok: false, kind: 'error', error: message.error ?? 'error' });
    });
    const instance: Instance = { worker: w, pending };
    const fail = (error: string) => {
      if (current === instance) current = undefined;
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve({ ok: false, kind: 'error', error });
      }
    };
    w.on('error', (error) => fail(String(error.stack ?? error)));
    w.on('exit', (code) => fail(`the function's runtime exited with code ${code}`));
    return instance;
  };

  return {
    invoke(event, context) {
      const instance = (current ??= start());
      const { worker: w, pending } = instance;
      const id = nextId++;
      return new Promise<InvokeOutcome>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          if (current === instance) current = undefined;
          void w.terminate();
          resolve({ ok: false, kind: 'timeout', error: `Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds` });
        }, timeoutMs);
        pending.set(id, (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        });
        w.postMessage({ id, event, context });
      });
    },
    async stop() {
      const instance = current;
      current = undefined;
      if (instance) await instance.worker.terminate();
    },
  };
}
