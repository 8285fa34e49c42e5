/**
 * How a StaticSite's files get into its bucket: pages with `{{name}}` placeholders as their filled text,
 * the other files as one `aws_s3_object` each (`upload: 'objects'`) or by one synced folder (`'sync'`).
 */
import { readFileSync } from 'node:fs';
import { AssetType, DataResource, Lazy, TerraformAsset } from 'cdktf';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import type { StaticSite } from '../static-site';
import type { StaticSiteSettings } from '../static-site-props';
import { hasPageValues, terraformPageContent } from './page-values';
import { siteContentHash, writeSiteSyncScript } from './site-sync';

export interface SiteUpload {
  readonly objects: Record<string, S3Object>;
  readonly syncScript?: TerraformAsset;
  readonly sync?: DataResource;
}

/**
 * The site's files into the bucket: pages with `{{name}}` placeholders as their filled text (in either
 * mode), the others as one object each (`'objects'`) or by one synced folder (`'sync'`). `pageValues`
 * and `generatedKeys` are read at synth, so that values and files added later count.
 */
export function uploadSiteFiles(
  site: StaticSite,
  settings: StaticSiteSettings,
  later: { pageValues: Record<string, string>; generatedKeys: string[] },
): SiteUpload {
  const objects: Record<string, S3Object> = {};
  const pages = settings.siteFiles
    .filter((file) => file.contentType.startsWith('text/html'))
    .map((file) => ({ file, html: readFileSync(file.absolutePath, 'utf8') }))
    .filter(({ html }) => hasPageValues(html));
  for (const { file: page, html } of pages) {
    objects[page.key] = new S3Object(site, `file-${page.key}`, {
      bucket: site.bucket.id,
      key: page.key,
      content: Lazy.stringValue({ produce: () => terraformPageContent(html, later.pageValues) }),
      contentType: page.contentType,
      cacheControl: page.cacheControl,
      dependsOn: [site.encryption],
    });
    later.generatedKeys.push(page.key);
  }
  const uploadedFiles = settings.siteFiles.filter((file) => !pages.some((page) => page.file === file));
  if (settings.upload === 'objects') {
    for (const file of uploadedFiles) {
      objects[file.key] = new S3Object(site, `file-${file.key}`, {
        bucket: site.bucket.id,
        key: file.key,
        source: `${site.siteAsset.path}/${file.key}`,
        sourceHash: file.md5,
        contentType: file.contentType,
        cacheControl: file.cacheControl,
        dependsOn: [site.encryption],
      });
    }
    return { objects };
  }
  const syncScript = new TerraformAsset(site, 'site-sync-script', { path: writeSiteSyncScript(uploadedFiles), type: AssetType.FILE });
  // Paths relative to the stack folder, where Terraform runs local-exec; the bucket by reference.
  const sync = new DataResource(site, 'site-sync', {
    triggersReplace: { content_hash: siteContentHash(uploadedFiles), bucket: site.bucket.bucket },
    dependsOn: [site.publicAccessBlock, site.ownershipControls, site.encryption, site.bucketPolicy],
    provisioners: [
      {
        type: 'local-exec',
        command: `sh ${syncScript.path} '${site.bucket.bucket}' ${site.siteAsset.path}`,
        environment: {
          // The CLI talks to the bucket's region whatever the profile's default region is.
          AWS_REGION: site.bucket.bucketRegion,
          SITE_SYNC_KEEP: Lazy.stringValue({ produce: () => later.generatedKeys.join('\n') }),
        },
      },
    ],
  });
  return { objects, syncScript, sync };
}
