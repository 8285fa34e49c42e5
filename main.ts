import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ContactApi, StaticSite } from './constructs';

/**
 * Settings of the example stack. Each comes from cdktf context (`cdktf.json` "context", or
 * `-c key=value` style tooling) or else an environment variable, or else the default, so that a
 * fresh clone synthesizes with no configuration at all.
 */
export interface ExampleConfig {
  /** AWS region of the stack (the certificate is always in us-east-1). */
  readonly region: string;
  readonly domainName?: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly redirectDomainNames: string[];
  /** S3 bucket for remote state with native locking; without it the state file is local. */
  readonly stateBucket?: string;
  readonly stateKey: string;
  readonly stateRegion?: string;
  /** Deletion protection of the submissions table; turn it off and deploy once before a destroy. @default true */
  readonly deletionProtection?: boolean;
  /** Addresses emailed on every new message (ContactApi's `notify.emails`); none: no notifications. */
  readonly notifyEmails?: string[];
}

const SETTINGS = {
  region: 'AWS_REGION',
  domainName: 'DOMAIN_NAME',
  hostedZoneId: 'HOSTED_ZONE_ID',
  hostedZoneName: 'HOSTED_ZONE_NAME',
  redirectDomainNames: 'REDIRECT_DOMAIN_NAMES',
  stateBucket: 'STATE_BUCKET',
  stateKey: 'STATE_KEY',
  stateRegion: 'STATE_REGION',
  deletionProtection: 'DELETION_PROTECTION',
  notifyEmails: 'NOTIFY_EMAILS',
} as const;

export function readConfig(app: App, env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const read = (key: keyof typeof SETTINGS): string | undefined => {
    const value = app.node.tryGetContext(key) ?? env[SETTINGS[key]];
    return value === undefined || value === '' ? undefined : String(value);
  };
  return {
    region: read('region') ?? 'us-east-1',
    domainName: read('domainName'),
    hostedZoneId: read('hostedZoneId'),
    hostedZoneName: read('hostedZoneName'),
    redirectDomainNames: readList(read('redirectDomainNames')) ?? [],
    stateBucket: read('stateBucket'),
    stateKey: read('stateKey') ?? 'contact-site/terraform.tfstate',
    stateRegion: read('stateRegion'),
    deletionProtection: readBoolean('deletionProtection', read('deletionProtection'), true),
    notifyEmails: readList(read('notifyEmails')),
  };
}

/** A comma-separated list; `undefined` when empty. */
function readList(value: string | undefined): string[] | undefined {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}

function readBoolean(key: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`${key} (${SETTINGS[key as keyof typeof SETTINGS]}) must be "true" or "false", got "${value}"`);
}

// main.ts runs from source (tsx) or compiled into lib/; the example site stays at the project root.
const EXAMPLE_SITE_DIR = [join(__dirname, 'site'), join(__dirname, '..', 'site')].find((dir) => existsSync(dir)) ?? join(__dirname, 'site');

/** The example: the static site of the seed project with its contact form and API. */
export class ContactSiteStack extends TerraformStack {
  public readonly site: StaticSite;
  public readonly contactApi: ContactApi;

  constructor(scope: Construct, id: string, config: ExampleConfig) {
    super(scope, id);
    this.addOverride('terraform.required_version', '>= 1.10');
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { Project: 'contact-site', ManagedBy: 'cdktf' } }],
    });
    if (config.stateBucket) {
      const backend = new S3Backend(this, {
        bucket: config.stateBucket,
        key: config.stateKey,
        region: config.stateRegion ?? config.region,
        encrypt: true,
      });
      // S3-native state locking (Terraform >= 1.10); cdktf 0.21's typings predate it.
      backend.addOverride('use_lockfile', true);
    } else {
      // Terraform runs in cdktf.out/stacks/<id>; this keeps the state next to cdktf.json, and keeps
      // the machine's absolute path out of cdk.tf.json (cdktf's default writes it in).
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    }
    this.site = new StaticSite(this, 'site', {
      siteDir: EXAMPLE_SITE_DIR,
      domainName: config.domainName,
      hostedZoneId: config.hostedZoneId,
      hostedZoneName: config.hostedZoneName,
      redirectDomainNames: config.redirectDomainNames,
    });
    // The site's own names are the API's CORS allowlist, and the API's URL reaches the pages
    // through config.json, written by Terraform once the stage exists.
    this.contactApi = new ContactApi(this, 'contact', {
      allowedOrigins: this.site.origins,
      deletionProtection: config.deletionProtection ?? true,
      notify: config.notifyEmails && { emails: config.notifyEmails },
    });
    this.site.addApiOrigin(this.contactApi.apiOrigin);
    this.site.addGeneratedFile({
      key: 'config.json',
      // On several lines: cdktf's HCL export writes those as a heredoc, while a one-line string holding both
      // quotes and a reference comes out unescaped (invalid HCL). Fn.jsonencode would avoid that too, but the
      // local preview fills in plain references only.
      content: `${JSON.stringify({ contactEndpoint: this.contactApi.endpointUrl }, null, 2)}\n`,
    });
    // The contact form's no-JavaScript action="{{contactEndpoint}}" (contact.js reads config.json instead).
    this.site.addPageValue('contactEndpoint', this.contactApi.endpointUrl);
  }
}

if (require.main === module) {
  const app = new App();
  new ContactSiteStack(app, 'contact-site', readConfig(app));
  app.synth();
}
