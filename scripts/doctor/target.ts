/**
 * What the doctor checks: the site's URL and names, the contact endpoint, and what the stack knows about them.
 * From the command line (--url, --api, --redirect), or from a deployed stack: the URLs are its Terraform outputs
 * (StaticSite's `url`, ContactApi's `endpoint` and `function-name`), read from the local state file its backend
 * names, else with `terraform output -json` in the stack folder, or from cdktf's `--outputs-file`; the names are
 * the distribution's aliases in cdk.tf.json (the first, the site's, is canonical; the others redirect to it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { effectiveBackend } from '../submissions/stack';
import type { DoctorOptions } from './options';

export interface Target {
  /** The site's canonical URL (an origin: `https://www.example.com`). */
  readonly site: URL;
  /** The contact endpoint; undefined until the site's config.json names it. */
  readonly api?: URL;
  /** Names that answer 301 to the site. */
  readonly redirectNames: readonly string[];
  /** The contact handler's Lambda function, for the log group in messages. */
  readonly functionName?: string;
  /** MD5 of the stack's index.html (its S3 object's source_hash), to tell this stack's site from another. */
  readonly indexMd5?: string;
  /** Where the URLs came from. */
  readonly source: string;
}

/** Nothing to check: exit code 3, with what to pass. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

const URL_OUTPUT = /(?:^|_)url_[0-9A-F]{8}$/;
const ENDPOINT_OUTPUT = /(?:^|_)endpoint_[0-9A-F]{8}$/;
const FUNCTION_OUTPUT = /(?:^|_)function-name_[0-9A-F]{8}$/;

interface StackDocument {
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  output?: Record<string, unknown>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

export function findTarget(options: DoctorOptions, cwd: string, projectRoot: string): Target {
  const api = options.api === undefined ? undefined : new URL(options.api);
  if (options.url !== undefined) {
    return { site: new URL(new URL(options.url).origin), api, redirectNames: options.redirectNames, source: '--url' };
  }
  const stackDir = options.stackDir === undefined ? join(projectRoot, 'cdktf.out/stacks/contact-site') : resolve(cwd, options.stackDir);
  const stackFile = join(stackDir, 'cdk.tf.json');
  const stack = existsSync(stackFile) ? readJson<StackDocument>(stackFile) : undefined;
  if (stack === undefined && options.outputsFile === undefined) {
    throw new TargetError(`no synthesized stack in ${stackDir} (no cdk.tf.json): pass --stack-dir DIR, or --url https://your.site (and --api URL)`);
  }
  const outputs = options.outputsFile !== undefined ? outputsFile(resolve(cwd, options.outputsFile)) : stateOutputs(stackDir, stack!);
  const siteUrl = outputs.site;
  if (siteUrl === undefined) throw new TargetError(`${outputs.source} has no site URL output (StaticSite's url): deploy first (npm run deploy), or pass --url`);
  const site = new URL(new URL(siteUrl).origin);
  const aliases = stack ? distributionAliases(stack) : [];
  const redirectNames = [...new Set([...aliases.filter((name) => name !== site.hostname), ...options.redirectNames])];
  return {
    site,
    api: api ?? (outputs.endpoint === undefined ? undefined : new URL(outputs.endpoint)),
    redirectNames,
    functionName: outputs.functionName,
    indexMd5: stack ? indexSourceHash(stack) : undefined,
    source: outputs.source,
  };
}

interface FoundOutputs {
  readonly site?: string;
  readonly endpoint?: string;
  readonly functionName?: string;
  readonly source: string;
}

type TerraformOutputs = Record<string, { value?: unknown } | undefined>;

/** The state's outputs: the local state file, or `terraform output -json` for any other backend. */
function stateOutputs(dir: string, stack: StackDocument): FoundOutputs {
  let backend: Record<string, Record<string, unknown>>;
  try {
    backend = effectiveBackend(dir, stack);
  } catch (error) {
    throw new TargetError((error as Error).message);
  }
  const [type, settings] = Object.entries(backend)[0] ?? ['local', {}];
  if (type === 'local') {
    const path = resolve(dir, typeof settings.path === 'string' ? settings.path : 'terraform.tfstate');
    if (!existsSync(path)) {
      throw new TargetError(
        `no Terraform state at ${path}: the stack is not deployed from here. Deploy it (npm run deploy), or pass --outputs-file FILE (cdktf deploy --outputs-file), or --url https://your.site`,
      );
    }
    return fromTerraformOutputs(readJson<{ outputs?: TerraformOutputs }>(path).outputs ?? {}, `the state ${path}`);
  }
  let json: string;
  try {
    json = execFileSync('terraform', [`-chdir=${dir}`, 'output', '-json', '-no-color'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { code?: string };
    const why = e.code === 'ENOENT' ? 'terraform is not on PATH' : 'see terraform output -json there';
    throw new TargetError(
      `the stack keeps its state in the ${type} backend and terraform output -json failed in ${dir} (${why}): run terraform init there, or pass --url`,
    );
  }
  return fromTerraformOutputs(JSON.parse(json) as TerraformOutputs, `terraform output -json in ${dir}`);
}

function fromTerraformOutputs(outputs: TerraformOutputs, source: string): FoundOutputs {
  const value = (pattern: RegExp): string | undefined => {
    const values = Object.entries(outputs)
      .filter(([name]) => pattern.test(name))
      .map(([, output]) => output?.value)
      .filter((v): v is string => typeof v === 'string' && v !== '');
    if (values.length > 1) throw new TargetError(`${source} has ${values.length} outputs like ${pattern.source} (${values.join(', ')}): pass --url and --api`);
    return values[0];
  };
  return { site: value(URL_OUTPUT), endpoint: value(ENDPOINT_OUTPUT), functionName: value(FUNCTION_OUTPUT), source };
}

/**
 * cdktf's outputs file: `{ "<stack>": { "site": { "url": ... }, "contact": { "endpoint": ... } } }` (nested by
 * construct path); `terraform output -json`'s shape is taken too.
 */
function outputsFile(path: string): FoundOutputs {
  if (!existsSync(path)) throw new TargetError(`no outputs file ${path} (cdktf deploy --outputs-file ${path} writes it)`);
  const document = readJson<Record<string, unknown>>(path);
  const source = `the outputs file ${path}`;
  const values = Object.values(document);
  if (values.length > 0 && values.every((v) => typeof v === 'object' && v !== null && 'value' in v)) {
    return fromTerraformOutputs(document as TerraformOutputs, source);
  }
  const leaves: Array<{ key: string; value: string }> = [];
  const walk = (node: unknown, key: string) => {
    if (typeof node === 'string') leaves.push({ key, value: node });
    else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(document, '');
  const one = (key: string): string | undefined => {
    const found = [...new Set(leaves.filter((leaf) => leaf.key === key).map((leaf) => leaf.value))];
    if (found.length > 1) throw new TargetError(`${source} has ${found.length} outputs "${key}" (${found.join(', ')}): pass --url and --api`);
    return found[0];
  };
  return { site: one('url'), endpoint: one('endpoint'), functionName: one('function-name'), source };
}

/** The literal aliases of the stack's one distribution (its first is the site's own name). */
function distributionAliases(stack: StackDocument): string[] {
  const distributions = Object.values(stack.resource?.aws_cloudfront_distribution ?? {});
  if (distributions.length !== 1) return [];
  const aliases = distributions[0]!.aliases;
  return Array.isArray(aliases) ? aliases.filter((a): a is string => typeof a === 'string' && !a.includes('${')).map((a) => a.toLowerCase()) : [];
}

function indexSourceHash(stack: StackDocument): string | undefined {
  const object = Object.values(stack.resource?.aws_s3_object ?? {}).find((o) => o.key === 'index.html');
  const hash = object?.source_hash;
  return typeof hash === 'string' && /^[0-9a-f]{32}$/.test(hash) && object?.content === undefined ? hash : undefined;
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (cause) {
    throw new TargetError(`${path} is not readable JSON: ${(cause as Error).message}`);
  }
}
