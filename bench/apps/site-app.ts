// Synthesizes a stack holding only a StaticSite of BENCH_SITE_DIR (the scale benchmark's app), uploaded
// as BENCH_UPLOAD says: 'objects' (default) or 'sync'.
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { StaticSite } from '../../constructs/static-site';
import type { StaticSiteUpload } from '../../constructs/static-site-props';

const siteDir = process.env.BENCH_SITE_DIR;
if (!siteDir) throw new Error('BENCH_SITE_DIR is not set');
const upload = (process.env.BENCH_UPLOAD ?? 'objects') as StaticSiteUpload;
const app = new App({ outdir: process.env.BENCH_OUTDIR ?? 'cdktf.out' });
const stack = new TerraformStack(app, 'site');
new AwsProvider(stack, 'aws', { region: 'us-east-1' });
new LocalBackend(stack, { path: 'terraform.tfstate' });
new StaticSite(stack, 'site', { siteDir, upload });
app.synth();
