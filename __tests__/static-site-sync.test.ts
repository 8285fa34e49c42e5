import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { StaticSite, StaticSiteProps } from '../constructs';
import { listSiteFiles } from '../constructs/internal/site-files';
import { siteContentHash, syncGroups } from '../constructs/internal/site-sync';
import { addressOf, makeSiteDir, onlyResource, resourcesOf, synthStack, Synthesized, TerraformDocument } from './support/synth';

const SITE = {
  'index.html': '<h1>home</h1>',
  '404.html': '<h1>missing</h1>',
  'about/index.html': '<h1>about</h1>',
  'assets/app.3f9a2b1c.js': 'console.log(1);',
  'assets/style.css': 'body{}',
  'assets/logo.png': 'png',
  "assets/sub dir/it's [x].css": 'p{}',
  '.well-known/security.txt': 'Contact: mailto:security@example.com',
  '.DS_Store': 'junk',
  '.env': 'SECRET=1',
  'assets/.gitkeep': '',
};

// Temporary folders of this file (synth output, fake aws), removed at the end.
const scratch: string[] = [];
const scratchDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synthSite(siteDir: string, props: Partial<StaticSiteProps> = {}, after?: (site: StaticSite) => void): Synthesized & { site: StaticSite } {
  let site!: StaticSite;
  const synthesized = synthStack((stack) => {
    site = new StaticSite(stack, 'site', { siteDir, upload: 'sync', ...props });
    after?.(site);
  });
  return { ...synthesized, site };
}

/** `cdktf synth` into a folder: returns the stack folder (where Terraform runs) and its document. */
function synthToDisk(siteDir: string, props: Partial<StaticSiteProps> = {}): { stackDir: string; doc: TerraformDocument } {
  const outdir = scratchDir('site-sync-out-');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new StaticSite(stack, 'site', { siteDir, upload: 'sync', ...props });
  app.synth();
  const stackDir = join(outdir, 'stacks', 'test');
  return { stackDir, doc: JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) };
}

/** The script's upload groups, parsed back from its here-documents: key -> [content type, cache control]. */
function scriptHeaders(script: string): Map<string, [string, string]> {
  const headers = new Map<string, [string, string]>();
  const unquote = (value: string) => value.slice(1, -1).replace(/'\\''/g, "'");
  const groups = /^upload ('(?:[^']|'\\'')*') ('(?:[^']|'\\'')*') <<'(\w+)'\n([\s\S]*?)\n\3$/gm;
  for (const match of script.matchAll(groups)) {
    for (const key of match[4]!.split('\n')) headers.set(key, [unquote(match[1]!), unquote(match[2]!)]);
  }
  return headers;
}

function syncResource(doc: TerraformDocument): Record<string, any> {
  return onlyResource(doc, 'terraform_data');
}

describe("StaticSite upload: 'sync'", () => {
  const siteDir = makeSiteDir(SITE);
  const { doc, site } = synthSite(siteDir, { generatedFiles: [{ key: 'config.json', content: '{}' }] }, (s) =>
    s.addGeneratedFile({ key: 'later.json', content: '{"late":true}' }),
  );
  const bucket = addressOf(doc, 'aws_s3_bucket');
  const data = syncResource(doc);
  const provisioner = data.provisioner[0]['local-exec'];

  it('makes one terraform_data whose triggers are the folder content hash and the bucket', () => {
    expect(data.triggers_replace).toEqual({
      content_hash: siteContentHash(listSiteFiles(siteDir)),
      bucket: `\${${bucket}.bucket}`,
    });
    expect(data.triggers_replace.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(site.siteSync).toBeDefined();
  });

  it('runs after the bucket, its public access block, ownership, encryption and policy exist', () => {
    expect(data.depends_on).toEqual(
      expect.arrayContaining([
        addressOf(doc, 'aws_s3_bucket_public_access_block'),
        addressOf(doc, 'aws_s3_bucket_ownership_controls'),
        addressOf(doc, 'aws_s3_bucket_server_side_encryption_configuration'),
        addressOf(doc, 'aws_s3_bucket_policy'),
      ]),
    );
  });

  it('runs the generated script on the asset folder, by paths relative to the stack folder and the bucket by reference', () => {
    expect(data.provisioner).toHaveLength(1);
    expect(provisioner.command).toBe(`sh ${site.siteSyncScript!.path} '\${${bucket}.bucket}' ${site.siteAsset.path}`);
    expect(site.siteSyncScript!.path).toMatch(/^assets\/[^/]+\/[0-9A-F]+\/site-sync\.sh$/);
    expect(site.siteAsset.path).toMatch(/^assets\//);
    expect(isAbsolute(site.siteAsset.path)).toBe(false);
    expect(provisioner.command).not.toContain(tmpdir());
    expect(provisioner.command).not.toMatch(/site-site-/); // no pasted bucket name or prefix
  });

  it("keeps the generated files, also those added after the construct, out of the deletions; uses the bucket's region", () => {
    expect(provisioner.environment).toEqual({ AWS_REGION: `\${${bucket}.bucket_region}`, SITE_SYNC_KEEP: 'config.json\nlater.json' });
  });

  it('makes no aws_s3_object per file; generated files are still objects', () => {
    const objects = Object.values(resourcesOf(doc, 'aws_s3_object'));
    expect(objects.map((o) => o.key).sort()).toEqual(['config.json', 'later.json']);
    expect(Object.keys(site.objects).sort()).toEqual(['config.json', 'later.json']);
  });

  it('lets destroy delete the bucket with the objects Terraform does not track, unless told otherwise', () => {
    expect(onlyResource(doc, 'aws_s3_bucket').force_destroy).toBe(true);
    expect(onlyResource(synthSite(siteDir, { forceDestroy: false }).doc, 'aws_s3_bucket').force_destroy).toBe(false);
  });

  it('still refuses a generated file that is a file of the site', () => {
    expect(() => synthSite(siteDir, { generatedFiles: [{ key: 'index.html', content: 'x' }] })).toThrow(
      'StaticSite: generatedFiles key "index.html" is already a file of the site',
    );
  });
});

describe("StaticSite upload: 'sync' script", () => {
  const siteDir = makeSiteDir(SITE);
  const { stackDir, doc } = synthToDisk(siteDir);
  const command: string = syncResource(doc).provisioner[0]['local-exec'].command;
  const [, scriptPath, , assetPath] = /^sh (\S+) ('[^']+') (\S+)$/.exec(command)!;
  const script = readFileSync(join(stackDir, scriptPath!), 'utf8');

  it('is written into the stack folder next to the site asset', () => {
    expect(existsSync(join(stackDir, assetPath!, 'index.html'))).toBe(true);
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it("uploads every site file with the headers 'objects' mode gives it, and no hidden file", () => {
    const headers = scriptHeaders(script);
    const files = listSiteFiles(siteDir);
    expect([...headers.keys()].sort()).toEqual(files.map((f) => f.key));
    for (const file of files) expect(headers.get(file.key)).toEqual([file.contentType, file.cacheControl]);
    expect(headers.has('.well-known/security.txt')).toBe(true);
    for (const hidden of ['.DS_Store', '.env', 'assets/.gitkeep']) expect(headers.has(hidden)).toBe(false);

    const objects = synthStack((stack) => new StaticSite(stack, 'site', { siteDir })).doc;
    const fromObjects = Object.values(resourcesOf(objects, 'aws_s3_object')).map((o) => [o.key, [o.content_type, o.cache_control]]);
    expect(new Map(fromObjects as [string, [string, string]][])).toEqual(headers);
  });

  it('uploads the HTML last, after the assets the pages reference', () => {
    const groups = syncGroups(listSiteFiles(siteDir));
    expect(groups.at(-1)!.contentType).toBe('text/html; charset=utf-8');
    expect(groups.filter((g) => g.contentType.startsWith('text/html'))).toHaveLength(1);
  });

  it('works: with a fake aws on PATH, uploads every file with its headers and deletes only stale keys', () => {
    const bin = scratchDir('fake-aws-');
    const log = join(bin, 'calls.log');
    // Logs its arguments; for `s3 cp` also the staged files (relative path and content) it would upload.
    writeFileSync(
      join(bin, 'aws'),
      [
        '#!/bin/sh',
        'printf "CALL" >> "$FAKE_AWS_LOG"; for a in "$@"; do printf " [%s]" "$a" >> "$FAKE_AWS_LOG"; done; printf "\\n" >> "$FAKE_AWS_LOG"',
        'case "$1 $2" in',
        '  "s3 cp") (cd "$3" && find . \\( -type l -o -type f \\) | sort | while IFS= read -r f; do printf "FILE %s=%s\\n" "${f#./}" "$(cat "$f")"; done) >> "$FAKE_AWS_LOG" ;;',
        '  "s3api list-objects-v2") printf "%s\\n" index.html config.json old/page.html \'odd "key"\\x\' assets/style.css ;;',
        '  "s3api delete-objects") cat "${6#file://}" >> "$FAKE_AWS_LOG"; printf "\\n" >> "$FAKE_AWS_LOG" ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'aws'), 0o755);
    const output = execFileSync('sh', [scriptPath!, 'my-bucket', assetPath!], {
      cwd: stackDir,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_AWS_LOG: log, SITE_SYNC_KEEP: 'config.json' },
      encoding: 'utf8',
    });
    const calls = readFileSync(log, 'utf8').split('\n');

    // Every file uploaded once, by the `s3 cp` of its header group, with its content.
    const files = listSiteFiles(siteDir);
    const uploaded = new Map<string, string[]>();
    let headers: string[] = [];
    for (const line of calls) {
      if (line.startsWith('CALL [s3] [cp]')) {
        expect(line).toMatch(/ \[s3:\/\/my-bucket\/\] \[--recursive\] \[--follow-symlinks\] /);
        headers = [/\[--content-type\] \[([^\]]*)\]/.exec(line)![1]!, /\[--cache-control\] \[([^\]]*)\]/.exec(line)![1]!];
      } else if (line.startsWith('FILE ')) {
        const [key, content] = line.slice(5).split('=');
        expect(uploaded.has(key!)).toBe(false);
        uploaded.set(key!, [...headers, content!]);
      }
    }
    expect([...uploaded.keys()].sort()).toEqual(files.map((f) => f.key));
    for (const file of files) {
      expect(uploaded.get(file.key)).toEqual([file.contentType, file.cacheControl, SITE[file.key as keyof typeof SITE]]);
    }
    expect(calls.filter((l) => l.startsWith('CALL [s3] [cp]'))).toHaveLength(syncGroups(files).length);

    // Stale keys deleted in one batch (JSON-escaped); site files and the generated config.json kept.
    const deletes = calls.filter((l) => l.startsWith('CALL [s3api] [delete-objects]'));
    expect(deletes).toHaveLength(1);
    const batch = JSON.parse(calls[calls.indexOf(deletes[0]!) + 1]!);
    expect(batch).toEqual({ Objects: [{ Key: 'old/page.html' }, { Key: 'odd "key"\\x' }], Quiet: true });
    expect(calls.some((l) => l.startsWith('CALL [s3api] [list-objects-v2] [--bucket] [my-bucket]'))).toBe(true);
    expect(output).toContain('uploaded 8 files in');
    expect(output).toContain('deleted 2 stale objects');
  });

  it('deletes nothing when nothing is stale, and fails when a delete fails', () => {
    const bin = scratchDir('fake-aws-');
    writeFileSync(
      join(bin, 'aws'),
      [
        '#!/bin/sh',
        'case "$1 $2" in',
        '  "s3api list-objects-v2") printf "%s\\n" index.html config.json $EXTRA ;;',
        '  "s3api delete-objects") echo "delete-objects" >> "$FAKE_AWS_LOG"; [ -z "$DELETE_ERROR" ] || printf "%s\\tAccessDenied\\tAccess Denied\\n" "$EXTRA" ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'aws'), 0o755);
    const log = join(bin, 'calls.log');
    const run = (extra: string, deleteError: string) =>
      execFileSync('sh', [scriptPath!, 'my-bucket', assetPath!], {
        cwd: stackDir,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_AWS_LOG: log, SITE_SYNC_KEEP: 'config.json', EXTRA: extra, DELETE_ERROR: deleteError },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(run('', '')).toContain('deleted 0 stale objects');
    expect(existsSync(log)).toBe(false);
    expect(() => run('gone.html', '1')).toThrow(/could not delete/);
  });
});

describe("StaticSite upload: 'sync' script on a larger site", () => {
  it('stages every file of folders of more than one batch of links (500)', () => {
    const files: Record<string, string> = { 'index.html': 'home', '404.html': 'missing' };
    for (let i = 0; i < 1203; i += 1) files[`big/page-${i}.html`] = `page ${i}`;
    for (let i = 0; i < 7; i += 1) files[`big/sub/${i}.css`] = `p{}`;
    const { stackDir, doc } = synthToDisk(makeSiteDir(files));
    const [, scriptPath, , assetPath] = /^sh (\S+) ('[^']+') (\S+)$/.exec(syncResource(doc).provisioner[0]['local-exec'].command)!;
    const bin = scratchDir('fake-aws-');
    const log = join(bin, 'calls.log');
    writeFileSync(
      join(bin, 'aws'),
      '#!/bin/sh\ncase "$1 $2" in "s3 cp") (cd "$3" && find . -type l | sed "s|^./||") >> "$FAKE_AWS_LOG" ;; "s3api list-objects-v2") echo index.html ;; esac\n',
    );
    chmodSync(join(bin, 'aws'), 0o755);
    execFileSync('sh', [scriptPath!, 'b', assetPath!], { cwd: stackDir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_AWS_LOG: log } });
    expect(readFileSync(log, 'utf8').trim().split('\n').sort()).toEqual(Object.keys(files).sort());
  });
});

describe("StaticSite upload: 'sync' content hash", () => {
  const hashOf = (siteDir: string) => syncResource(synthSite(siteDir).doc).triggers_replace.content_hash;

  it('is the same when nothing changes (two synths, two copies of the folder)', () => {
    const siteDir = makeSiteDir(SITE);
    expect(hashOf(siteDir)).toBe(hashOf(siteDir));
    expect(hashOf(makeSiteDir(SITE))).toBe(hashOf(siteDir));
  });

  it('changes when a file changes, is added or removed, and not for a hidden file', () => {
    const base = hashOf(makeSiteDir(SITE));
    expect(hashOf(makeSiteDir({ ...SITE, 'assets/style.css': 'body{color:red}' }))).not.toBe(base);
    expect(hashOf(makeSiteDir({ ...SITE, 'new.html': 'new' }))).not.toBe(base);
    const { 'assets/logo.png': _removed, ...withoutLogo } = SITE;
    expect(hashOf(makeSiteDir(withoutLogo))).not.toBe(base);
    expect(hashOf(makeSiteDir({ ...SITE, '.DS_Store': 'other junk' }))).toBe(base);
  });

  it('changes when a header rule changes for a file', () => {
    const files = listSiteFiles(makeSiteDir(SITE));
    const changed = files.map((f) => (f.key === 'assets/style.css' ? { ...f, cacheControl: 'public, max-age=60' } : f));
    expect(siteContentHash(changed)).not.toBe(siteContentHash(files));
    const retyped = files.map((f) => (f.key === 'assets/logo.png' ? { ...f, contentType: 'image/webp' } : f));
    expect(siteContentHash(retyped)).not.toBe(siteContentHash(files));
    expect(siteContentHash([...files].reverse())).toBe(siteContentHash(files));
  });
});

describe('StaticSite upload prop', () => {
  const siteDir = makeSiteDir(SITE);

  it("defaults to 'objects': one aws_s3_object per file and no terraform_data", () => {
    const { doc } = synthStack((stack) => new StaticSite(stack, 'site', { siteDir }));
    expect(resourcesOf(doc, 'terraform_data')).toEqual({});
    expect(Object.keys(resourcesOf(doc, 'aws_s3_object'))).toHaveLength(listSiteFiles(siteDir).length);
    expect(onlyResource(doc, 'aws_s3_bucket').force_destroy).toBe(false);
  });

  it('rejects an unknown value, naming the prop', () => {
    expect(() => synthSite(siteDir, { upload: 'rsync' as never })).toThrow('StaticSite: upload "rsync" is not one of objects, sync');
  });

  it('rejects a site file whose name the script cannot carry', () => {
    const odd = makeSiteDir({ 'index.html': 'x', '404.html': 'y' });
    mkdirSync(join(odd, 'a'));
    writeFileSync(join(odd, 'a', 'line\nbreak.txt'), 'z');
    expect(() => synthSite(odd)).toThrow(/^StaticSite: upload 'sync' cannot upload the file "a\/line\\nbreak.txt"/);
    expect(() => synthStack((stack) => new StaticSite(stack, 'site', { siteDir: odd }))).not.toThrow();
  });

  it('keeps HCL synthesis working', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'hcl');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new StaticSite(stack, 'site', { siteDir, upload: 'sync' });
    expect(() => Testing.synthHcl(stack)).not.toThrow();
  });
});
