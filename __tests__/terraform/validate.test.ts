/**
 * The real Terraform and AWS provider validate every configuration the README documents: zero errors
 * and zero warnings (a deprecation counts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HCL_OUTDIR, synthHcl } from '../../scripts/synth-hcl';
import { packAndSynthConsumer } from '../support/consumer';
import { copyProject } from '../support/project-copy';
import { CONFIGURATIONS } from './support/configurations';
import { describeDiagnostics, toolchain, validateStack } from './support/terraform';

const work = mkdtempSync(join(tmpdir(), 'terraform-validate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('terraform validate', () => {
  test.each(CONFIGURATIONS.map((configuration, index) => [configuration.name, index] as const))('%s', async (_name, index) => {
    const tc = await toolchain();
    const stackDir = CONFIGURATIONS[index].synth(join(work, `configuration-${index}`));
    expect(describeDiagnostics(validateStack(tc, stackDir))).toEqual([]);
  });

  test('the packed library in a consumer project', async () => {
    const tc = await toolchain();
    const consumer = packAndSynthConsumer(mkdtempSync(join(work, 'pack-')));
    expect(describeDiagnostics(validateStack(tc, consumer.stackDir))).toEqual([]);
  });

  test('the example exported as HCL (npm run synth:hcl)', async () => {
    const tc = await toolchain();
    const project = copyProject('hcl-');
    try {
      synthHcl(project, () => undefined);
      const stackDir = join(project, HCL_OUTDIR, 'stacks', 'contact-site');
      expect(existsSync(join(stackDir, 'cdk.tf'))).toBe(true);
      expect(readFileSync(join(stackDir, 'cdk.tf'), 'utf8')).toContain('resource "aws_cloudfront_distribution"');
      expect(describeDiagnostics(validateStack(tc, stackDir))).toEqual([]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
