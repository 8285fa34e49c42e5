/**
 * The submissions table of a deployed stack: its name from the Terraform state's outputs (the local state
 * file the stack's backend names, or `terraform output -json` for a remote backend), its region from the
 * stack's aws provider.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { awsProviderBlocks } from '../local-aws/index';
import { EXIT, SubmissionsError } from './errors';

/** ContactApi's output `table-name`, as cdktf names it: `<construct path>_table-name_<hash>` (`contact_table-name_52F54EB4`). */
export const TABLE_OUTPUT = /(?:^|_)table-name_[0-9A-F]{8}$/;

export interface StackTable {
  readonly tableName: string;
  /** The region of the stack's default aws provider, when it is a literal. */
  readonly region?: string;
  /** Where the name was read, for messages. */
  readonly source: string;
}

interface StackDocument {
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  provider?: { aws?: unknown };
  output?: Record<string, unknown>;
}

const stackError = (message: string) => new SubmissionsError(message, EXIT.stack);

export function tableFromStack(stackDir: string): StackTable {
  const dir = resolve(stackDir);
  const stackFile = join(dir, 'cdk.tf.json');
  if (!existsSync(stackFile)) {
    throw stackError(`no synthesized stack in ${dir} (no cdk.tf.json): check --stack-dir, run npm run synth, or pass --table NAME`);
  }
  const stack = readJson<StackDocument>(stackFile, stackError);
  const names = Object.keys(stack.output ?? {}).filter((name) => TABLE_OUTPUT.test(name));
  if (names.length === 0) throw stackError(`the stack in ${dir} has no ContactApi table output (…table-name_…): pass --table NAME`);
  const { outputs, source } = readOutputs(dir, stack);
  const tables = names.flatMap((name) => {
    const value = outputs[name]?.value;
    return typeof value === 'string' && value !== '' ? [{ name, value }] : [];
  });
  if (tables.length === 0) {
    throw stackError(`${source} has no output ${names.join(' or ')}: deploy the stack first (npm run deploy), or pass --table NAME`);
  }
  if (tables.length > 1) {
    throw stackError(`the stack has ${tables.length} submissions tables (${tables.map((t) => `${t.name} = ${t.value}`).join(', ')}): pass --table NAME`);
  }
  return { tableName: tables[0]!.value, region: providerRegion(stack), source };
}

type Outputs = Record<string, { value?: unknown } | undefined>;

/** The state's outputs: from the local state file, or through the Terraform CLI for any other backend. */
function readOutputs(dir: string, stack: StackDocument): { outputs: Outputs; source: string } {
  const [type, settings] = Object.entries(effectiveBackend(dir, stack))[0] ?? ['local', {}];
  if (type === 'local') {
    const path = resolve(dir, typeof settings.path === 'string' ? settings.path : 'terraform.tfstate');
    if (!existsSync(path)) {
      throw stackError(`no Terraform state at ${path}: the stack is not deployed from here (npm run deploy), or pass --table NAME`);
    }
    const state = readJson<{ outputs?: Outputs }>(path, stackError);
    return { outputs: state.outputs ?? {}, source: `the state ${path}` };
  }
  return { outputs: terraformOutputs(dir, type), source: `the ${type} state of ${dir}` };
}

/**
 * The backend Terraform uses in `dir`: cdk.tf.json's, replaced by that of any override file
 * (`override.tf.json`, `*_override.tf.json`, read in name order as Terraform does, e.g. npm run local-aws's).
 */
export function effectiveBackend(dir: string, stack: StackDocument): Record<string, Record<string, unknown>> {
  let backend = stack.terraform?.backend ?? {};
  const overrides = readdirSync(dir)
    .filter((name) => name === 'override.tf.json' || name.endsWith('_override.tf.json'))
    .sort();
  for (const name of overrides) {
    const override = readJson<StackDocument>(join(dir, name), stackError).terraform?.backend;
    if (override !== undefined && Object.keys(override).length > 0) backend = override;
  }
  return backend;
}

function terraformOutputs(dir: string, backend: string): Outputs {
  try {
    const json = execFileSync('terraform', [`-chdir=${dir}`, 'output', '-json', '-no-color'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(json) as Outputs;
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    const why = e.code === 'ENOENT' ? 'terraform is not on PATH' : firstError(e.stderr ?? String(error));
    throw stackError(
      `the stack keeps its state in the ${backend} backend and terraform output -json failed in ${dir} (${why}): run terraform init there, or pass --table NAME`,
    );
  }
}

/** Terraform's first `Error:` line (its messages start with warnings and boxes), else its first line. */
function firstError(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.replace(/^[\s│╷╵]+/, '').trim());
  return lines.find((line) => line.startsWith('Error:')) ?? lines.find((line) => line !== '') ?? 'no message';
}

/** The `region` of the stack's aws provider without an alias, when it is a literal (not `${var.x}`). */
export function providerRegion(stack: StackDocument): string | undefined {
  const region = awsProviderBlocks(stack).find((block) => block.alias === undefined)?.region;
  return typeof region === 'string' && /^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}

function readJson<T>(path: string, error: (message: string) => SubmissionsError): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (cause) {
    throw error(`${path} is not readable JSON: ${(cause as Error).message}`);
  }
}
