import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AWS_PROVIDER_VERSION_OVERRIDE_FILE,
  awsProviderVersionOverride,
  ensureTerraformToolchain,
  pinnedAwsProviderVersion,
  TerraformToolchain,
} from '../../../scripts/terraform-toolchain';

let toolchainPromise: Promise<TerraformToolchain> | undefined;

/** The CLI and provider mirror (built by the suite's global setup; cached, so this takes a moment). */
export function toolchain(): Promise<TerraformToolchain> {
  // Its environment for everything the tests start too (cdktf, npm scripts), as `eval "$(npm run -s terraform:env)"` gives.
  toolchainPromise ??= ensureTerraformToolchain({ log: () => undefined }).then((tc) => Object.assign(process.env, tc.env) && tc);
  return toolchainPromise;
}

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the toolchain's CLI in `dir`; never throws on a non-zero exit (tests look at `code`). */
export function terraform(tc: TerraformToolchain, dir: string, args: string[], env: NodeJS.ProcessEnv = {}): TerraformRun {
  const result = spawnSync(tc.cliPath, args, {
    cwd: dir,
    env: { ...process.env, ...tc.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Like `terraform`, but fails with the CLI's output when the exit code is not `expectedCode`. */
export function terraformOk(tc: TerraformToolchain, dir: string, args: string[], env: NodeJS.ProcessEnv = {}, expectedCode = 0): TerraformRun {
  const run = terraform(tc, dir, args, env);
  if (run.code !== expectedCode) {
    throw new Error(`${tc.cli} ${args.join(' ')} in ${dir} exited ${run.code} (expected ${expectedCode}):\n${run.stderr}\n${run.stdout.slice(-20_000)}`);
  }
  return run;
}

/**
 * Points the stack at the provider the mirror holds when it is not the pinned one (see terraform-env.ts);
 * cdk.tf.json is left as synthesized. Returns the provider version `init` will install.
 */
export function useMirroredProvider(tc: TerraformToolchain, stackDir: string): string | undefined {
  const json = join(stackDir, 'cdk.tf.json');
  // An HCL export (cdk.tf) is read as pinning nothing: the override then always applies.
  const pinned = existsSync(json) ? pinnedAwsProviderVersion(readFileSync(json, 'utf8')) : undefined;
  if (tc.awsProviderVersion && tc.awsProviderVersion !== pinned) {
    writeFileSync(join(stackDir, AWS_PROVIDER_VERSION_OVERRIDE_FILE), awsProviderVersionOverride(tc.awsProviderVersion));
    return tc.awsProviderVersion;
  }
  return pinned;
}

/** One diagnostic of `terraform validate -json`. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { filename: string; start: { line: number } };
}

/** `init -backend=false` and `validate -json` in a stack folder; every error and warning. */
export function validateStack(tc: TerraformToolchain, stackDir: string): Diagnostic[] {
  if (!existsSync(join(stackDir, 'cdk.tf.json')) && !existsSync(join(stackDir, 'cdk.tf'))) {
    throw new Error(`${stackDir} holds no synthesized stack`);
  }
  useMirroredProvider(tc, stackDir);
  terraformOk(tc, stackDir, ['init', '-backend=false', '-input=false', '-no-color']);
  const run = terraform(tc, stackDir, ['validate', '-json', '-no-color']);
  const report = JSON.parse(run.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
  if (!report.valid && report.diagnostics.length === 0) throw new Error(`validate failed without diagnostics:\n${run.stderr}`);
  return report.diagnostics;
}

/** Diagnostics as short lines, for readable test failures. */
export function describeDiagnostics(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity}: ${d.summary}${d.address ? ` (${d.address})` : ''}${d.detail ? `: ${d.detail}` : ''}`);
}
