/**
 * Runs the real checkov (pinned in the project's .venv, tools/python/requirements.txt) on a stack, the
 * way a user runs it, and reads its JSON report as one verdict per resource address and check id.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkovFiles, CheckovFiles } from '../../../checks/checkov';
import { ensurePythonEnv } from '../../../scripts/python-env';

export interface CheckovVerdict {
  readonly checkId: string;
  /** Terraform address, e.g. `aws_s3_bucket.site_bucket_7B14A155` */
  readonly address: string;
  readonly result: 'pass' | 'fail';
  readonly checkName: string;
  /** checkov's Python class or graph check, e.g. `checkov.terraform.checks.resource.aws.APIGatewayAuthorization` */
  readonly checkClass: string;
}

export interface CheckovRun {
  readonly verdicts: readonly CheckovVerdict[];
  readonly failed: readonly CheckovVerdict[];
  readonly parsingErrors: number;
  readonly version: string;
  readonly files: CheckovFiles;
}

function checkovBinary(): string {
  return join(dirname(ensurePythonEnv()), 'checkov');
}

/**
 * Writes our checkov files for the stack in `stackDir` into `workDir` (`checkov.yaml` and the input
 * copy, as `npm run review -- --checkov-config` does) and runs checkov there: with the config
 * (`withConfig`), or on the same input without it (what a user sees with no skips).
 */
export function runCheckov(stackDir: string, workDir: string, options: { withConfig: boolean }): CheckovRun {
  mkdirSync(workDir, { recursive: true });
  const json = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
  const inputFile = 'stack.checkov.tf.json';
  const files = checkovFiles(json, { inputFile });
  writeFileSync(join(workDir, inputFile), files.input);
  writeFileSync(join(workDir, 'checkov.yaml'), files.config);
  const args = options.withConfig ? ['--config-file', 'checkov.yaml'] : ['--framework', 'terraform_json', '--file', inputFile];
  const result = spawnSync(checkovBinary(), [...args, '--output', 'json', '--skip-download'], {
    cwd: workDir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: 'ERROR' },
  });
  if (result.error) throw result.error;
  // exit 1 means "some check failed"; anything else but 0 is checkov itself failing
  if (result.status !== 0 && result.status !== 1) throw new Error(`checkov exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return readReport(result.stdout, json, files);
}

interface RawCheck {
  check_id: string;
  check_name: string;
  check_class: string;
  resource: string;
}

function readReport(stdout: string, json: string, files: CheckovFiles): CheckovRun {
  const report = JSON.parse(stdout) as {
    results?: { passed_checks?: RawCheck[]; failed_checks?: RawCheck[] };
    summary: { parsing_errors: number; checkov_version: string };
  };
  const addressOf = addressResolver(json);
  const verdicts: CheckovVerdict[] = [];
  for (const [result, list] of [
    ['pass', report.results?.passed_checks ?? []],
    ['fail', report.results?.failed_checks ?? []],
  ] as const) {
    for (const check of list) {
      verdicts.push({ checkId: check.check_id, address: addressOf(check.resource), result, checkName: check.check_name, checkClass: check.check_class });
    }
  }
  return {
    verdicts,
    failed: verdicts.filter((v) => v.result === 'fail'),
    parsingErrors: report.summary.parsing_errors,
    version: report.summary.checkov_version,
    files,
  };
}

/**
 * checkov names a resource or data source `<type>.<name>` in graph checks and `resource.<name>` (or
 * `data.<name>`) in the others, for Terraform JSON; provider checks name `provider.<name>`. cdktf's
 * names are unique across types in a stack (they come from the construct path), so the name finds
 * the address.
 */
function addressResolver(json: string): (resource: string) => string {
  const doc = JSON.parse(json) as Record<string, Record<string, Record<string, unknown>> | undefined>;
  const byName = new Map<string, string[]>();
  const known = new Set<string>();
  for (const mode of ['resource', 'data'] as const) {
    for (const [type, names] of Object.entries(doc[mode] ?? {})) {
      for (const name of Object.keys(names)) {
        const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        known.add(address);
        byName.set(`${mode}.${name}`, [...(byName.get(`${mode}.${name}`) ?? []), address]);
      }
    }
  }
  return (resource) => {
    if (known.has(resource) || resource.startsWith('provider.')) return resource;
    if (known.has(`data.${resource}`)) return `data.${resource}`;
    const candidates = byName.get(resource) ?? [];
    if (candidates.length !== 1)
      throw new Error(`checkov named "${resource}", which is ${candidates.length === 0 ? 'no' : 'more than one'} resource of the stack`);
    return candidates[0]!;
  };
}
