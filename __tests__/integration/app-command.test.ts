import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_COMMAND, APP_NODE_ARGS, appNodeArgsFor } from '../../scripts/app-command';
import { PROJECT_ROOT } from '../support/project-copy';

/** What the app runner's preloads leave of Node's source-map support, in a child process like cdktf's. */
function sourceMapsEnabledUnderRunner(env: NodeJS.ProcessEnv = {}): string {
  const preloads = APP_NODE_ARGS.slice(0, -1); // everything but main.ts
  return execFileSync(process.execPath, [...preloads, '-e', 'process.stdout.write(String(process.sourceMapsEnabled))'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
  });
}

describe("the example app's runner", () => {
  it("is cdktf.json's app command", () => {
    const cdktfJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdktf.json'), 'utf8'));
    expect(cdktfJson.app).toBe(APP_COMMAND);
  });

  it('runs TypeScript with source maps off (cdktf maps a stack trace per token otherwise)', () => {
    expect(sourceMapsEnabledUnderRunner()).toBe('false');
  });

  it('keeps source maps on with CDKTF_APP_SOURCE_MAPS=1, for debugging', () => {
    expect(sourceMapsEnabledUnderRunner({ CDKTF_APP_SOURCE_MAPS: '1' })).toBe('true');
  });

  it('runs another entry file from any folder with the project files by absolute path', () => {
    expect(appNodeArgsFor(join('bench', 'apps', 'site-app.ts'), '/project')).toEqual([
      '--require',
      'tsx/cjs',
      '--require',
      '/project/scripts/no-source-maps.js',
      '/project/bench/apps/site-app.ts',
    ]);
  });
});
