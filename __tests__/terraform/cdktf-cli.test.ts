/**
 * The user's own commands against the local AWS: `npm run diff`, `deploy` and `destroy` run `cdktf diff`,
 * `cdktf deploy` and `cdktf destroy`, which synthesize and then drive Terraform in the stack folder, where
 * the local AWS's override file points the providers at moto. With the provider from a local mirror,
 * `--skip-provider-lock` is needed: cdktf otherwise runs `terraform providers lock`, which always asks the
 * registry (it does not read the CLI config's mirror).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LocalAws, startLocalAws } from '../../scripts/local-aws';
import { copyProject, synthExampleIn } from '../support/project-copy';
import { toolchain, useMirroredProvider } from './support/terraform';

describe('cdktf diff, deploy and destroy of the example on the local AWS', () => {
  let project: string;
  let local: LocalAws;
  const settings = { DELETION_PROTECTION: 'false' };

  let lockFlags: string[] = [];
  const cdktf = (args: string[]): { code: number; output: string } => {
    const run = spawnSync(join(project, 'node_modules', '.bin', 'cdktf'), [...args, ...lockFlags], {
      cwd: project,
      env: { ...process.env, ...local.env, ...settings, CI: 'true', FORCE_COLOR: '0' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: run.status ?? -1, output: `${run.stdout}\n${run.stderr}` };
  };
  /** The exit code, and the output's end when it is not 0 (for a readable failure). */
  const outcome = (run: { code: number; output: string }) => ({ code: run.code, failure: run.code === 0 ? '' : run.output.slice(-4000) });

  beforeAll(async () => {
    const tc = await toolchain();
    project = copyProject('cdktf-cli-');
    // A first synth makes the stack folder that the override file goes into; cdktf's own synths keep it.
    synthExampleIn(project, settings);
    const stackDir = join(project, 'cdktf.out', 'stacks', 'contact-site');
    useMirroredProvider(tc, stackDir);
    if (tc.awsProviderVersion) lockFlags = ['--skip-provider-lock'];
    local = await startLocalAws({ stackDir });
  });

  afterAll(async () => {
    await local?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  test('cdktf diff shows the resources it would create', () => {
    const diff = cdktf(['diff']);
    expect(outcome(diff)).toEqual({ code: 0, failure: '' });
    expect(diff.output).toMatch(/Plan: \d{2} to add, 0 to change, 0 to destroy\./);
  });

  test('cdktf deploy --auto-approve creates them and prints the outputs', () => {
    const deploy = cdktf(['deploy', '--auto-approve']);
    expect(outcome(deploy)).toEqual({ code: 0, failure: '' });
    expect(deploy.output).toMatch(/Apply complete! Resources: \d{2} added, 0 changed, 0 destroyed\./);
    expect(deploy.output).toMatch(/endpoint[^\n]*https:\/\/[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com\/prod\/contact/);
  });

  test('a second cdktf diff has nothing to change', () => {
    const diff = cdktf(['diff']);
    expect(outcome(diff)).toEqual({ code: 0, failure: '' });
    expect(diff.output).toContain('No changes.');
  });

  test('cdktf destroy --auto-approve removes everything', async () => {
    const destroy = cdktf(['destroy', '--auto-approve']);
    expect(outcome(destroy)).toEqual({ code: 0, failure: '' });
    expect(destroy.output).toMatch(/Destroy complete! Resources: \d{2} destroyed\./);
    const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: local.endpoint, credentials: local.credentials });
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
  });
});
