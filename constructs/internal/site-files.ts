import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { contentType as contentTypeFromName } from 'mime-types';

/** One file of a site directory, as it will be uploaded. */
export interface SiteFile {
  /** Object key: the path relative to the site directory, with `/` separators. */
  readonly key: string;
  /** The file's path on disk. */
  readonly absolutePath: string;
  /** `Content-Type` header, with `charset=utf-8` for text types. */
  readonly contentType: string;
  /** `Cache-Control` header chosen by {@link cacheControlFor}. */
  readonly cacheControl: string;
  /** MD5 of the content in hex, the same value as Terraform's `filemd5()`. */
  readonly md5: string;
}

/**
 * HTML, and the scripts and stylesheets it loads under fixed names, are revalidated on every request
 * (a cheap 304 from the edge), so a deploy shows up at once without an invalidation and a page never
 * runs last hour's script.
 */
export const HTML_CACHE_CONTROL = 'no-cache';
/** Fingerprinted files never change under the same name. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Anything else (images, fonts, documents): an hour at the edge and in browsers. */
export const DEFAULT_CACHE_CONTROL = 'public, max-age=3600';

// A hash-like segment of 8+ hex or base32/base64url characters before the extension,
// as bundlers write it: app.3f9a2b1c.js, chunk-5MZQX2KJ.js, style-BkD9a_Xq.css.
const FINGERPRINT = /[.-](?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{8,}\.[a-z0-9]+$/;

export function contentTypeFor(key: string): string {
  return contentTypeFromName(posix.basename(key)) || 'application/octet-stream';
}

export function isFingerprinted(key: string): boolean {
  return FINGERPRINT.test(posix.basename(key));
}

export function cacheControlFor(key: string): string {
  if (/\.html?$/i.test(key)) return HTML_CACHE_CONTROL;
  if (isFingerprinted(key)) return IMMUTABLE_CACHE_CONTROL;
  if (/\.(m?js|css|json|map|webmanifest)$/i.test(key)) return HTML_CACHE_CONTROL;
  return DEFAULT_CACHE_CONTROL;
}

/**
 * Hidden files (`.DS_Store`, `.gitkeep`, `.env`) are never published; `.well-known/` is, because
 * security.txt and domain verification files live there.
 */
function isPublishable(name: string): boolean {
  return !name.startsWith('.') || name === '.well-known';
}

/** Lists the files under `siteDir`, sorted by key so that synthesis does not depend on the file system's order. */
export function listSiteFiles(siteDir: string): SiteFile[] {
  const files: SiteFile[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!isPublishable(entry.name)) continue;
      const absolutePath = join(dir, entry.name);
      const key = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(absolutePath, key);
      } else if (entry.isFile()) {
        files.push({
          key,
          absolutePath,
          contentType: contentTypeFor(key),
          cacheControl: cacheControlFor(key),
          md5: createHash('md5').update(readFileSync(absolutePath)).digest('hex'),
        });
      }
    }
  };
  walk(siteDir, '');
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const stagedFolders = new Map<string, string>();

/**
 * A folder holding exactly `files`, copied under their keys, for the site's `TerraformAsset`. cdktf copies an
 * asset folder whole into cdktf.out, so the site folder itself would put its hidden files (`.env`, `.git/`)
 * into the synthesized output, which CI keeps as an artifact. The folder is private to this process (made by
 * mkdtemp), made once per set of files and contents, and removed (only its links) when the process exits.
 */
export function stageSiteFiles(files: readonly SiteFile[]): string {
  const id = createHash('sha256');
  for (const file of files) id.update(`${file.key}\0${file.md5}\0${file.absolutePath}\n`);
  const key = id.digest('hex');
  const known = stagedFolders.get(key);
  if (known !== undefined && existsSync(known)) return known;
  const folder = mkdtempSync(join(tmpdir(), 'static-site-files-'));
  if (stagedFolders.size === 0) process.once('exit', removeStagedFolders);
  stagedFolders.set(key, folder);
  const madeFolders = new Set<string>();
  for (const file of files) {
    const target = join(folder, ...file.key.split('/'));
    if (!madeFolders.has(dirname(target))) {
      mkdirSync(dirname(target), { recursive: true });
      madeFolders.add(dirname(target));
    }
    linkOrCopy(file.absolutePath, target);
  }
  return folder;
}

/**
 * A hard link where the file system allows one (30 times faster than a copy for 10,000 small files, and
 * cdktf copies the content out of it anyway; nothing writes to the staging folder), else a copy.
 */
function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

function removeStagedFolders(): void {
  for (const folder of stagedFolders.values()) rmSync(folder, { recursive: true, force: true });
  stagedFolders.clear();
}
