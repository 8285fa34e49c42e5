/**
 * The local AWS: moto's server with the project's CloudFront test double (tools/local-aws/), on a
 * free loopback port, and the Terraform override file that points a synthesized stack's `aws`
 * providers at it. Used by `npm run local-aws` (scripts/local-aws.ts) and by the tests.
 *
 *   const aws = await startLocalAws({ stackDir: 'cdktf.out/stacks/contact-site' });
 *   // terraform -chdir=<stackDir> init && terraform apply, with aws.env in the environment
 *   await aws.stop(); // stops the server and removes the override file
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePythonEnv, PythonEnvError } from '../python-env';

const PROJECT = resolve(__dirname, '..', '..');
const SERVER_PY = join(PROJECT, 'tools', 'local-aws', 'server.py');

/** The override file written beside `cdk.tf.json` (Terraform merges `*_override.tf.json` into it). */
export const OVERRIDE_FILE = 'local_aws_override.tf.json';
const OVERRIDE_MARK = 'written by npm run local-aws';

/** The account moto puts resources in for the credentials below (its default account). */
export const LOCAL_ACCOUNT_ID = '123456789012';

/** moto accepts any credentials; these are the ones the override and `env` use. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/**
 * The provider's `endpoints` keys for every service this project's constructs use (and the few the
 * provider itself calls, e.g. sts for the account id), all pointed at the one local endpoint.
 */
export const ENDPOINT_SERVICES = [
  'acm',
  'apigateway',
  'cloudfront',
  'cloudwatch',
  'dynamodb',
  'iam',
  'kms',
  'lambda',
  'logs',
  'route53',
  's3',
  's3control',
  'sns',
  'sqs',
  'sts',
  'wafv2',
  'xray',
] as const;

export class LocalAwsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalAwsError';
  }
}

export interface LocalAwsOptions {
  /** A synthesized stack folder (with `cdk.tf.json`): the override file is written there and removed on stop. */
  stackDir?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Log every request of the server on stderr. */
  verbose?: boolean;
  /** Where the server's stderr lines go (default: kept, and shown in the error if it fails to start). */
  onLog?: (line: string) => void;
  /** Extra environment for the server (e.g. `MOTO_ACM_VALIDATION_WAIT`). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the server to listen, in ms (default 60000). */
  startTimeoutMs?: number;
}

export interface LocalAws {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly port: number;
  /** The override file written into `stackDir`, if one was given. */
  readonly overridePath?: string;
  /** The account id moto answers (STS GetCallerIdentity) and puts in ARNs. */
  readonly accountId: string;
  /** The test credentials, for AWS SDK clients (`new S3Client({ endpoint, credentials, region, forcePathStyle: true })`). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** `AWS_ENDPOINT_URL` and test credentials, for child processes (terraform, cdktf, the AWS CLI). */
  readonly env: Readonly<Record<string, string>>;
  /** Resolves when the server has stopped for any reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Removes the override file and stops the server (idempotent). */
  stop(): Promise<void>;
}

interface ProviderBlock {
  alias?: string;
  [key: string]: unknown;
}

/** The `aws` provider blocks of a synthesized `cdk.tf.json`, as a list (cdktf writes a list; plain JSON may write one object). */
export function awsProviderBlocks(cdkTfJson: unknown): ProviderBlock[] {
  const aws = (cdkTfJson as { provider?: { aws?: unknown } } | undefined)?.provider?.aws;
  if (aws === undefined) return [];
  const blocks = Array.isArray(aws) ? aws : [aws];
  return blocks.filter((b): b is ProviderBlock => typeof b === 'object' && b !== null);
}

/**
 * The override document: one `aws` provider block per block of `cdk.tf.json` (same alias, so
 * Terraform merges it into that block), each pointing every service at `endpoint` with test
 * credentials. `skip_requesting_account_id` stays false: moto answers STS GetCallerIdentity, and the
 * provider builds ARNs (e.g. a response headers policy's) from the account id it returns.
 *
 * `http_proxy`/`https_proxy` are the local endpoint too. The provider's proxy never applies to
 * loopback addresses, so every endpoint above is reached directly; it applies to the one host that
 * is not loopback: the AWS SDK puts the account id in front of the S3 Control endpoint's host
 * (`123456789012.127.0.0.1:PORT`), which resolves nowhere, and the provider (6.x) lists and sets
 * bucket tags through S3 Control. Through the proxy that request reaches the local server, which
 * serves it (moto routes `/v20180820/...` to S3 Control). Any other host a provider call might name
 * (a service missing from the list) goes to the local server as well, never to AWS: it fails there.
 */
export function providerOverride(cdkTfJson: unknown, endpoint: string): Record<string, unknown> {
  const blocks = awsProviderBlocks(cdkTfJson);
  if (blocks.length === 0) throw new LocalAwsError('cdk.tf.json has no "aws" provider block to point at the local AWS');
  const endpoints = Object.fromEntries(ENDPOINT_SERVICES.map((service) => [service, endpoint]));
  const aws = blocks.map((block) => ({
    ...(typeof block.alias === 'string' ? { alias: block.alias } : {}),
    access_key: LOCAL_CREDENTIALS.accessKeyId,
    secret_key: LOCAL_CREDENTIALS.secretAccessKey,
    skip_credentials_validation: true,
    skip_metadata_api_check: 'true',
    skip_requesting_account_id: false,
    s3_use_path_style: true,
    http_proxy: endpoint,
    https_proxy: endpoint,
    endpoints: [endpoints],
  }));
  return {
    '//': `${OVERRIDE_MARK}: points every aws provider of cdk.tf.json at the local AWS on ${endpoint}; removed when it stops`,
    provider: { aws },
    // The state of a local try never goes where the stack's real state is: a remote backend (the S3 state
    // bucket) would be reached with the environment's real credentials, and the example's local state file
    // is the one a real deploy uses. Terraform asks for `init -reconfigure` in a folder initialised for the real one.
    terraform: { backend: { local: { path: LOCAL_STATE_FILE } } },
  };
}

/** Where Terraform keeps the state of a local try, in the stack folder, whatever backend the stack has. */
export const LOCAL_STATE_FILE = 'local_aws.tfstate';

/** Writes the override into `stackDir` and returns its path; refuses to replace a file it did not write. */
export function writeProviderOverride(stackDir: string, endpoint: string): string {
  const cdkTfJsonPath = join(stackDir, 'cdk.tf.json');
  if (!existsSync(cdkTfJsonPath)) throw new LocalAwsError(`no cdk.tf.json in ${stackDir} (synthesize first: npm run synth)`);
  let cdkTfJson: unknown;
  try {
    cdkTfJson = JSON.parse(readFileSync(cdkTfJsonPath, 'utf8'));
  } catch (err) {
    throw new LocalAwsError(`${cdkTfJsonPath} is not JSON: ${(err as Error).message}`);
  }
  const document = providerOverride(cdkTfJson, endpoint);
  const overridePath = join(stackDir, OVERRIDE_FILE);
  if (existsSync(overridePath) && !readFileSync(overridePath, 'utf8').includes(OVERRIDE_MARK)) {
    throw new LocalAwsError(`${overridePath} exists and was not written by npm run local-aws; not replacing it`);
  }
  writeFileSync(overridePath, `${JSON.stringify(document, null, 2)}\n`);
  return overridePath;
}

function removeOverride(overridePath: string | undefined): void {
  if (overridePath) rmSync(overridePath, { force: true });
}

/** Starts the local AWS (making the Python venv first if needed) and, with `stackDir`, writes the override. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const stackDir = options.stackDir === undefined ? undefined : resolve(options.stackDir);
  if (stackDir !== undefined && !existsSync(join(stackDir, 'cdk.tf.json'))) {
    throw new LocalAwsError(`no cdk.tf.json in ${stackDir} (synthesize first: npm run synth)`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LocalAwsError(`invalid port ${String(options.port)}`);

  let python: string;
  try {
    python = ensurePythonEnv();
  } catch (err) {
    throw new LocalAwsError(err instanceof PythonEnvError ? err.message : `python-env: ${(err as Error).message}`);
  }

  const args = [SERVER_PY, '--host', '127.0.0.1', '--port', String(port), '--exit-on-stdin-eof'];
  if (options.verbose) args.push('--verbose');
  const child = spawn(python, args, {
    cwd: PROJECT,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches this process, which stops the server in order
    // (override first); the server also exits when its stdin closes, so it never outlives this process.
    detached: true,
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...options.env },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  const stderrLines: string[] = [];
  forwardLines(child, 'stderr', (line) => {
    if (options.onLog) options.onLog(line);
    stderrLines.push(line);
    if (stderrLines.length > 50) stderrLines.shift();
  });

  let ready: { endpoint: string; port: number };
  try {
    ready = await waitForReady(child, exited, options.startTimeoutMs ?? 60_000, () => stderrLines.join('\n'));
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  let overridePath: string | undefined;
  const onExit = () => {
    removeOverride(overridePath);
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  try {
    if (stackDir !== undefined) overridePath = writeProviderOverride(stackDir, ready.endpoint);
  } catch (err) {
    process.off('exit', onExit);
    child.kill('SIGKILL');
    throw err;
  }
  void exited.then(() => removeOverride(overridePath));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      removeOverride(overridePath);
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  return {
    endpoint: ready.endpoint,
    port: ready.port,
    overridePath,
    accountId: options.env?.MOTO_ACCOUNT_ID ?? LOCAL_ACCOUNT_ID,
    credentials: { ...LOCAL_CREDENTIALS },
    env: {
      AWS_ENDPOINT_URL: ready.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    },
    exited,
    stop,
  };
}

function forwardLines(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  let buffer = '';
  child[stream]!.setEncoding('utf8');
  child[stream]!.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  });
  child[stream]!.on('end', () => {
    if (buffer) onLine(buffer);
  });
}

function waitForReady(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  timeoutMs: number,
  stderr: () => string,
): Promise<{ endpoint: string; port: number }> {
  return new Promise((resolveReady, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new LocalAwsError(`local-aws: the server did not start within ${timeoutMs} ms\n${stderr()}`))),
      timeoutMs,
    );
    let first = true;
    forwardLines(child, 'stdout', (line) => {
      if (!first) return;
      first = false;
      try {
        const info = JSON.parse(line) as { endpoint: string; port: number };
        finish(() => resolveReady(info));
      } catch {
        finish(() => reject(new LocalAwsError(`local-aws: unexpected first line from the server: ${line}`)));
      }
    });
    child.once('error', (err) => finish(() => reject(new LocalAwsError(`local-aws: cannot start the server: ${err.message}`))));
    void exited.then(({ code, signal }) => {
      // Let the last stderr lines arrive before reporting them.
      setTimeout(() => {
        const detail = stderr().trim();
        const portTaken = code === 3 ? detail.split('\n').find((l) => l.includes('already in use')) : undefined;
        finish(() =>
          reject(new LocalAwsError(portTaken ?? `local-aws: the server exited (${code ?? signal}) before listening${detail ? `:\n${detail}` : ''}`)),
        );
      }, 50);
    });
  });
}
