import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { copyProject, synthExampleIn } from '../support/project-copy';

/*
 * What synth-determinism.test.ts (cdk.tf.json across folders, time zones and the cdktf CLI) and
 * handler-bundle.test.ts (the zip built in memory) leave out: repeated runs in the same folder, and every
 * file cdktf writes, the handler zip asset included, compared byte for byte.
 */

/** Every file under a folder: relative path -> sha256 of its bytes. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) files[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return files;
}

const STACK = join('stacks', 'contact-site');

describe('synthesis writes the same bytes every time', () => {
  const first = copyProject('determinism-a-');
  const second = copyProject('determinism-second-folder-');
  synthExampleIn(first, { TZ: 'UTC' });
  const firstRun = tree(join(first, 'cdktf.out'));
  const firstJson = readFileSync(join(first, 'cdktf.out', STACK, 'cdk.tf.json'), 'utf8');
  synthExampleIn(first, { TZ: 'Asia/Kolkata' });
  const secondRun = tree(join(first, 'cdktf.out'));
  synthExampleIn(second, { TZ: 'America/Los_Angeles' });
  const otherFolder = tree(join(second, 'cdktf.out'));
  afterAll(() => [first, second].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const zipOf = (files: Record<string, string>): string[] => Object.keys(files).filter((f) => f.startsWith(join(STACK, 'assets')) && f.endsWith('.zip'));

  it('writes the handler zip as an asset of the stack', () => {
    expect(zipOf(firstRun)).toHaveLength(1);
  });

  it('a second run in the same folder writes identical files: cdk.tf.json, the manifest, the zip and the site files', () => {
    expect(secondRun).toEqual(firstRun);
  });

  it('another folder and time zone write identical files, the zip asset included', () => {
    expect(otherFolder).toEqual(firstRun);
    expect(zipOf(otherFolder)).toEqual(zipOf(firstRun));
  });

  it("the zip asset is the one cdk.tf.json points at, and its SHA-256 is the function's source_code_hash", () => {
    const fn = Object.values<any>(JSON.parse(firstJson).resource.aws_lambda_function)[0];
    expect(join(STACK, fn.filename)).toBe(zipOf(firstRun)[0]);
    const zip = readFileSync(join(first, 'cdktf.out', STACK, fn.filename));
    expect(createHash('sha256').update(zip).digest('base64')).toBe(fn.source_code_hash);
  });
});
