import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject } from '../support/project-copy';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script, run by npm
const { cdktfEnv } = require('../../scripts/cdktf.js') as { cdktfEnv: (env: NodeJS.ProcessEnv) => { env: NodeJS.ProcessEnv; notes: string[] } };

describe('npm run synth', () => {
  it('turns the checkpoint call off unless asked, and drops a CLI config file that does not exist, saying so', () => {
    expect(cdktfEnv({ PATH: '/bin' })).toEqual({ env: { PATH: '/bin', CHECKPOINT_DISABLE: '1' }, notes: [] });
    expect(cdktfEnv({ CHECKPOINT_DISABLE: '' }).env.CHECKPOINT_DISABLE).toBe('');
    const missing = cdktfEnv({ TF_CLI_CONFIG_FILE: '/nonexistent/.terraformrc' });
    expect(missing.env).not.toHaveProperty('TF_CLI_CONFIG_FILE');
    expect(missing.notes).toEqual(['note: TF_CLI_CONFIG_FILE names a missing file (/nonexistent/.terraformrc); running cdktf without it.']);
    expect(cdktfEnv({ TF_CLI_CONFIG_FILE: __filename }).env.TF_CLI_CONFIG_FILE).toBe(__filename);
  });

  it('prints no error line on a machine without the checkpoint server, and generates the stack', () => {
    const project = copyProject('synth-quiet-');
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: '/nonexistent/.terraformrc' };
      delete env.CHECKPOINT_DISABLE;
      // An unreachable proxy stands for "no internet" on machines that have it.
      Object.assign(env, { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' });
      const run = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: project, env, encoding: 'utf8' });
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status).toBe(0);
      expect(output).not.toMatch(/ERROR|ENOTFOUND|checkpoint/i);
      expect(output).toContain('Generated Terraform code for the stacks: contact-site');
      expect(existsSync(join(project, 'cdktf.out', 'stacks', 'contact-site', 'cdk.tf.json'))).toBe(true);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
