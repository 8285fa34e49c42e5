/**
 * The packed library in a fresh CDK Terrain project, judged by the real Terraform and AWS provider: validate
 * with zero diagnostics, and a plan against the local AWS that creates exactly what cdk.tf.json declares.
 * (The move of a deployed stack from cdktf to cdktn is planned in apply.test.ts, against its state.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalAws } from '../../scripts/local-aws';
import { CDKTN_AWS_PROVIDER_VERSION, packAndSynthCdktnConsumer } from '../support/cdktn-consumer';
import { describeDiagnostics, terraformOk, toolchain, useMirroredProvider, validateStack } from './support/terraform';

const work = mkdtempSync(join(tmpdir(), 'terraform-cdktn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a CDK Terrain project using the packed library', () => {
  const consumer = packAndSynthCdktnConsumer(work);
  const doc = JSON.parse(readFileSync(join(consumer.stackDir, 'cdk.tf.json'), 'utf8'));

  test(`pins the AWS provider ${CDKTN_AWS_PROVIDER_VERSION} and validates with no error or warning`, async () => {
    expect(doc.terraform.required_providers.aws.version).toBe(CDKTN_AWS_PROVIDER_VERSION);
    const tc = await toolchain();
    expect(describeDiagnostics(validateStack(tc, consumer.stackDir))).toEqual([]);
  });

  test('plans against the local AWS: every declared resource is created, nothing else', async () => {
    const tc = await toolchain();
    useMirroredProvider(tc, consumer.stackDir);
    const local = await startLocalAws({ stackDir: consumer.stackDir });
    try {
      terraformOk(tc, consumer.stackDir, ['init', '-input=false', '-no-color'], local.env);
      terraformOk(tc, consumer.stackDir, ['plan', '-out=tfplan', '-input=false', '-detailed-exitcode', '-no-color'], local.env, 2);
      const plan = JSON.parse(terraformOk(tc, consumer.stackDir, ['show', '-json', 'tfplan'], local.env).stdout) as {
        resource_changes: { address: string; mode: string; change: { actions: string[] } }[];
      };
      const created = plan.resource_changes.filter((c) => c.mode === 'managed').map((c) => `${c.change.actions.join('+')} ${c.address}`);
      const declared = Object.entries<Record<string, unknown>>(doc.resource).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `create ${type}.${name}`),
      );
      expect(created.sort()).toEqual(declared.sort());
    } finally {
      await local.stop();
    }
  }, 300_000);
});
