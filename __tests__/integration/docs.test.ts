import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fillReadme, markerBlocks, readmeTables } from '../../scripts/docs';
import { PROJECT_ROOT } from '../support/project-copy';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

describe('the API reference', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'docs-'));
    execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out, '--logLevel', 'Error'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('in docs/api is what `npm run docs` makes from the current TSDoc comments', () => {
    const committed = join(PROJECT_ROOT, 'docs', 'api');
    const fresh = filesUnder(out).map((file) => relative(out, file));
    expect(filesUnder(committed).map((file) => relative(committed, file))).toEqual(fresh);
    for (const file of fresh) {
      // A mismatch means the docs are stale: run `npm run docs` and commit docs/api.
      expect(`${file}:\n${readFileSync(join(committed, file), 'utf8')}`).toBe(`${file}:\n${readFileSync(join(out, file), 'utf8')}`);
    }
  });

  it("and the README's prop and field tables are what `npm run docs` makes from the current TSDoc comments", () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const blocks = markerBlocks(readme);
    expect(blocks.map(({ kind, name }) => `${kind}:${name}`)).toEqual(
      expect.arrayContaining([
        'props:StaticSiteProps',
        'fields:StaticSite',
        'props:ContactApiProps',
        'fields:ContactApi',
        'props:CorsPreflightProps',
        'fields:CorsPreflight',
      ]),
    );
    const tables = readmeTables(readme, { docsDir: out });
    for (const { kind, name, content } of blocks) {
      try {
        expect(content).toBe(tables.get(`${kind}:${name}`));
      } catch (error) {
        (error as Error).message = `README.md's ${kind}:${name} table is stale: run \`npm run docs\` and commit README.md.\n\n${(error as Error).message}`;
        throw error;
      }
    }
    expect(fillReadme(readme, tables)).toBe(readme);
  });
});
