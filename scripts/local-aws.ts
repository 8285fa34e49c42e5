/**
 * `npm run local-aws -- --stack-dir DIR`: a local AWS (moto + the CloudFront test double) for trying
 * a synthesized stack with plain `terraform apply` or `cdktf deploy`. See `--help` and the README.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import { LOCAL_STATE_FILE, LocalAwsError, startLocalAws, type LocalAws } from './local-aws/index';

// The programmatic API, for tests and scripts: `import { startLocalAws } from './scripts/local-aws'`.
export {
  awsProviderBlocks,
  ENDPOINT_SERVICES,
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_STATE_FILE,
  LocalAwsError,
  OVERRIDE_FILE,
  providerOverride,
  startLocalAws,
  writeProviderOverride,
} from './local-aws/index';
export type { LocalAws, LocalAwsOptions } from './local-aws/index';

const USAGE = `Usage: npm run local-aws -- [--stack-dir DIR] [--port N] [--verbose]

Starts moto (with the project's CloudFront test double) on 127.0.0.1 and writes DIR/local_aws_override.tf.json,
which points every aws provider of DIR/cdk.tf.json at it. Runs until Ctrl-C (SIGINT) or SIGTERM, then
removes the override file and stops the server. The first line on stdout is AWS_ENDPOINT_URL=http://127.0.0.1:PORT.

  --stack-dir DIR  a synthesized stack folder holding cdk.tf.json
                   (default: the only folder under cdktf.out/stacks/)
  --port N         port on 127.0.0.1 (default: a free one)
  --verbose        log every request on stderr
  -h, --help       this text

Then, in another shell: cd DIR && terraform init && terraform apply (or npm run deploy from the project).
`;

interface CliOptions {
  stackDir?: string;
  port: number;
  verbose: boolean;
  help: boolean;
}

class UsageError extends Error {}

/** Parses the command line with Node's own `util.parseArgs` (strict: an unknown option or a missing value is refused). */
export function parseArgs(argv: readonly string[]): CliOptions {
  let values: { 'stack-dir'?: string; port?: string; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseCommandLine({
      args: [...argv],
      options: { 'stack-dir': { type: 'string' }, port: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || values.port === '') throw new UsageError('--port needs a port number (0-65535)');
  if (values['stack-dir'] === '') throw new UsageError('--stack-dir needs a value');
  return { stackDir: values['stack-dir'], port, verbose: values.verbose ?? false, help: values.help ?? false };
}

function defaultStackDir(): string {
  const stacks = resolve('cdktf.out', 'stacks');
  const found = existsSync(stacks) ? readdirSync(stacks).filter((name) => existsSync(join(stacks, name, 'cdk.tf.json'))) : [];
  if (found.length === 1) return join(stacks, found[0]!);
  throw new UsageError(
    found.length === 0
      ? 'no synthesized stack under cdktf.out/stacks/ (run npm run synth first, or pass --stack-dir)'
      : `several stacks under cdktf.out/stacks/ (${found.join(', ')}): pass --stack-dir`,
  );
}

function shownPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? resolve(dir) : rel;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
    if (options.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    options.stackDir ??= defaultStackDir();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`local-aws: ${err.message}\n\n${USAGE}`);
    return 2;
  }

  process.stderr.write('local-aws: starting moto and the CloudFront test double...\n');
  let aws: LocalAws;
  try {
    aws = await startLocalAws({
      stackDir: options.stackDir,
      port: options.port,
      verbose: options.verbose,
      onLog: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    if (!(err instanceof LocalAwsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }

  const overridePath = aws.overridePath!;
  process.stdout.write(
    [
      `AWS_ENDPOINT_URL=${aws.endpoint}`,
      ...Object.entries(aws.env)
        .filter(([name]) => name !== 'AWS_ENDPOINT_URL')
        .map(([name, value]) => `${name}=${value}`),
      `# override: ${overridePath}`,
      `# state: ${join(options.stackDir, LOCAL_STATE_FILE)} (the local AWS only; the stack's own backend is not used)`,
      `# now: cd ${shownPath(options.stackDir)} && terraform init && terraform apply   (Ctrl-C here stops it and removes the override)`,
      '',
    ].join('\n'),
  );

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`local-aws: ${signal}: removing ${overridePath} and stopping\n`);
      void aws.stop().then(() => resolveExit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    // `npm run` passes a SIGTERM to its shell, which may die without passing it on: when this process is
    // orphaned (its parent changes), it stops as if signalled, so the override never outlives the command.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) onSignal('SIGHUP');
    }, 500).unref();
    void aws.exited.then(({ code, signal }) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`local-aws: the server stopped unexpectedly (${code ?? signal}); removed ${overridePath}\n`);
      void aws.stop().then(() => resolveExit(1));
    });
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
