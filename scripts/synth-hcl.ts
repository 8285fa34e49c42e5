/**
 * `npm run synth:hcl`: `cdktf synth --hcl` (the way off CDKTF: plain HCL to keep with Terraform), then
 * repairs the two things cdktf 0.21's HCL renderer writes wrong (CDK Terrain 0.24's has the same code):
 *
 * - every `terraform` block attribute other than required_providers/backend/cloud comes out as its index
 *   and name (`0 = "required_version"`), which Terraform refuses; the values are taken from a JSON synth
 *   of the same app;
 * - `depends_on` entries come out as quoted strings, which Terraform accepts with a deprecation warning
 *   for each ("Quoted references are deprecated"); they are unquoted.
 *
 * Every other line is left exactly as cdktf wrote it. The terraform test suite validates the result.
 * It writes into cdktf.out.hcl/, not cdktf.out/: cdktf leaves the other format's file in a stack folder, and
 * Terraform would read both cdk.tf.json and cdk.tf (every resource twice).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_NODE_ARGS } from './app-command';
import { cdktfEnv } from './cdktf';

const PROJECT_DIR = resolve(__dirname, '..');
/** Where the HCL export goes (relative to the project; the stacks sit as deep as in cdktf.out). */
export const HCL_OUTDIR = 'cdktf.out.hcl';

/** The `terraform` block of a JSON synth, whose simple attributes the repair writes back. */
type TerraformBlock = Record<string, unknown>;

/** Repairs one `cdk.tf` written by cdktf's HCL renderer (see the file comment). */
export function repairCdktfHcl(hcl: string, terraformBlock: TerraformBlock): string {
  const lines = hcl.split('\n');
  const start = lines.indexOf('terraform {');
  const end = start < 0 ? -1 : lines.indexOf('}', start);
  for (let i = start + 1; start >= 0 && i < end; i += 1) {
    const broken = /^ {2}\d+ = "([A-Za-z_][A-Za-z0-9_]*)"$/.exec(lines[i]);
    if (!broken) continue;
    const name = broken[1];
    const value = terraformBlock[name];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`terraform.${name} is not a simple value in the JSON synth; cannot write it back into the HCL`);
    }
    lines[i] = `  ${name} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
  }
  let inDependsOn = false;
  return lines
    .map((line) => {
      if (/^\s*depends_on = \[$/.test(line)) inDependsOn = true;
      else if (inDependsOn && /^\s*\]$/.test(line)) inDependsOn = false;
      else if (inDependsOn) return line.replace(/^(\s*)"((?:data\.|module\.)?[A-Za-z_][\w-]*\.[\w-]+)",$/, '$1$2,');
      return line;
    })
    .join('\n');
}

/** Exports the app of `projectDir` (a cdktf project: cdktf.json, main.ts) as HCL into `<projectDir>/cdktf.out.hcl`. */
export function synthHcl(projectDir: string, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  const cli = cdktfEnv(process.env);
  for (const note of cli.notes) log(note);
  execFileSync(join(projectDir, 'node_modules', '.bin', 'cdktf'), ['synth', '--hcl', '--output', HCL_OUTDIR], {
    cwd: projectDir,
    env: cli.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const outdir = join(projectDir, HCL_OUTDIR);
  const jsonOutdir = mkdtempSync(join(tmpdir(), 'synth-json-'));
  try {
    execFileSync(process.execPath, [...APP_NODE_ARGS], {
      cwd: projectDir,
      env: { ...process.env, CDKTF_OUTDIR: jsonOutdir, SYNTH_HCL_OUTPUT: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (const stack of readdirSync(join(outdir, 'stacks'))) {
      const hclFile = join(outdir, 'stacks', stack, 'cdk.tf');
      const jsonFile = join(jsonOutdir, 'stacks', stack, 'cdk.tf.json');
      if (!existsSync(hclFile) || !existsSync(jsonFile)) continue;
      const terraformBlock = (JSON.parse(readFileSync(jsonFile, 'utf8')) as { terraform?: TerraformBlock }).terraform ?? {};
      writeFileSync(hclFile, repairCdktfHcl(readFileSync(hclFile, 'utf8'), terraformBlock));
      log(`synth:hcl: wrote ${hclFile} (terraform block attributes and depends_on references repaired)`);
    }
  } finally {
    rmSync(jsonOutdir, { recursive: true, force: true });
  }
}

if (require.main === module) synthHcl(PROJECT_DIR);
