/**
 * Every configuration the README documents, synthesized the way `cdktf synth` writes it (an App with an
 * outdir: the "//" blocks, assets and all), for the real Terraform to validate.
 */
import { join, resolve } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ContactApi, CorsPreflight, StaticSite } from '../../../constructs';
import { ContactSiteStack, readConfig } from '../../../main';

export const EXAMPLE_SITE_DIR = resolve(__dirname, '..', '..', '..', 'site');

/** The example's settings for a site on www.example.com whose apex redirects there. */
export const CUSTOM_DOMAIN_ENV = { DOMAIN_NAME: 'www.example.com', HOSTED_ZONE_NAME: 'example.com', REDIRECT_DOMAIN_NAMES: 'example.com' };

const CLOUDFRONT_ACL = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/site-acl/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const REGIONAL_ACL = 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api-acl/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const TABLE_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const LOGS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/5678abcd-56ef-78ab-90ab-567890abcdef';

export interface Configuration {
  /** What the README calls it. */
  readonly name: string;
  /** Synthesizes into `outdir`; returns the stack folder (the one holding cdk.tf.json). */
  readonly synth: (outdir: string) => string;
}

function synthApp(outdir: string, stackId: string, build: (app: App) => void): string {
  const app = new App({ outdir });
  build(app);
  app.synth();
  return join(outdir, 'stacks', stackId);
}

/** The example app with settings from `env` (as `cdktf synth` with those environment variables). */
function example(name: string, env: Record<string, string>): Configuration {
  return {
    name,
    synth: (outdir) => synthApp(outdir, 'contact-site', (app) => new ContactSiteStack(app, 'contact-site', readConfig(app, env))),
  };
}

function stackWith(name: string, build: (stack: TerraformStack) => void): Configuration {
  return {
    name,
    synth: (outdir) =>
      synthApp(outdir, 'test', (app) => {
        const stack = new TerraformStack(app, 'test');
        new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
        build(stack);
      }),
  };
}

export const CONFIGURATIONS: readonly Configuration[] = [
  example('the example (no configuration)', {}),
  example('the example with a custom domain and a redirect name', CUSTOM_DOMAIN_ENV),
  example('the example with the S3 remote-state backend', { STATE_BUCKET: 'example-terraform-state', STATE_REGION: 'eu-west-1' }),
  example('the example with notifications by email', { NOTIFY_EMAILS: 'owner@example.com,sales@example.com' }),
  stackWith('ContactApi notifying an existing topic, alarms to another', (stack) => {
    new ContactApi(stack, 'contact', {
      allowedOrigins: ['https://www.example.com'],
      notify: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:support-chat', alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:ops-alarms' },
    });
  }),
  stackWith("StaticSite with upload: 'sync'", (stack) => {
    new StaticSite(stack, 'site', { siteDir: EXAMPLE_SITE_DIR, upload: 'sync' });
  }),
  stackWith('every hardening prop together', (stack) => {
    const site = new StaticSite(stack, 'site', {
      siteDir: EXAMPLE_SITE_DIR,
      webAclArn: CLOUDFRONT_ACL,
      accessLogging: { bucketDomainName: 'example-logs.s3.amazonaws.com' },
      bucketAccessLogging: { bucketName: 'example-logs' },
    });
    const api = new ContactApi(stack, 'contact', {
      allowedOrigins: site.origins,
      webAclArn: REGIONAL_ACL,
      tableKmsKeyArn: TABLE_KEY,
      logsKmsKeyArn: LOGS_KEY,
      domainName: 'api.example.com',
      hostedZoneName: 'example.com',
      requireOrigin: true,
      thankYouUrl: 'https://www.example.com/thanks.html',
      reservedConcurrency: 5,
      manageApiGatewayAccount: false,
    });
    site.addApiOrigin(api.apiOrigin);
  }),
  stackWith('CorsPreflight on an API of its own, several origins and "*"', (stack) => {
    const api = new ApiGatewayRestApi(stack, 'orders-api', { name: 'orders', lifecycle: { createBeforeDestroy: true } });
    const orders = new ApiGatewayResource(stack, 'orders', { restApiId: api.id, parentId: api.rootResourceId, pathPart: 'orders' });
    const status = new ApiGatewayResource(stack, 'status', { restApiId: api.id, parentId: api.rootResourceId, pathPart: 'status' });
    new CorsPreflight(stack, 'orders-cors', {
      restApiId: api.id,
      resourceId: orders.id,
      allowOrigins: ['https://shop.example.com', 'https://admin.example.com'],
      allowMethods: ['GET', 'POST'],
      exposeHeaders: ['X-Request-Id'],
      allowCredentials: true,
      gatewayResponses: true,
    });
    new CorsPreflight(stack, 'status-cors', { restApiId: api.id, resourceId: status.id, allowOrigins: ['*'], allowMethods: ['GET'] });
  }),
];
