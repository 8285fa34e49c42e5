import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTerraformToolchain, TerraformToolchain, useMirroredProvider } from '../../../scripts/terraform-toolchain';

export { useMirroredProvider };

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
