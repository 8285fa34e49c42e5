import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject, synthExampleIn } from '../support/project-copy';

describe('the example stack synthesizes the same bytes anywhere', () => {
  const first = copyProject('first-');
  const second = copyProject('second-folder-');
  const fromFirst = synthExampleIn(first, { TZ: 'UTC' });
  const fromSecond = synthExampleIn(second, { TZ: 'Pacific/Auckland' });
  afterAll(() => [first, second].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is byte-identical from two folders and two time zones', () => {
    expect(fromSecond).toBe(fromFirst);
  });

  it('holds no path of the machine or folder it ran in', () => {
    for (const text of [fromFirst, fromSecond]) {
      expect(text).not.toContain(first);
      expect(text).not.toContain(second);
      expect(text).not.toMatch(/"\/(tmp|work|home|root|Users)\//);
    }
    expect(JSON.parse(fromFirst).terraform.backend).toEqual({ local: { path: '../../../terraform.contact-site.tfstate' } });
  });

  it('is what `cdktf synth` (the README command) writes too', () => {
    execFileSync(join(first, 'node_modules', '.bin', 'cdktf'), ['synth'], {
      cwd: first,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', TZ: 'America/New_York' },
      stdio: 'pipe',
    });
    expect(readFileSync(join(first, 'cdktf.out', 'stacks', 'contact-site', 'cdk.tf.json'), 'utf8')).toBe(fromFirst);
  });

  it('synthesizes a custom domain, remote state and region from the environment', () => {
    const configured = JSON.parse(
      synthExampleIn(second, {
        AWS_REGION: 'eu-central-1',
        DOMAIN_NAME: 'www.example.org',
        HOSTED_ZONE_NAME: 'example.org',
        REDIRECT_DOMAIN_NAMES: 'example.org',
        STATE_BUCKET: 'my-state-bucket',
      }),
    );
    expect(configured.provider.aws[0].region).toBe('eu-central-1');
    expect(configured.terraform.backend.s3).toMatchObject({ bucket: 'my-state-bucket', use_lockfile: true, encrypt: true });
    expect(Object.values<any>(configured.resource.aws_acm_certificate)[0]).toMatchObject({
      domain_name: 'www.example.org',
      subject_alternative_names: ['example.org'],
    });
  });
});
