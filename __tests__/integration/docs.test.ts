import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../support/project-copy';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

describe('the API reference', () => {
  it('in docs/api is what `npm run docs` makes from the current TSDoc comments', () => {
    const out = mkdtempSync(join(tmpdir(), 'docs-'));
    try {
      execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out, '--logLevel', 'Error'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
      const committed = join(PROJECT_ROOT, 'docs', 'api');
      const fresh = filesUnder(out).map((file) => relative(out, file));
      expect(filesUnder(committed).map((file) => relative(committed, file))).toEqual(fresh);
      for (const file of fresh) {
        // A mismatch means the docs are stale: run `npm run docs` and commit docs/api.
        expect(`${file}:\n${readFileSync(join(committed, file), 'utf8')}`).toBe(`${file}:\n${readFileSync(join(out, file), 'utf8')}`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
