/**
 * The example with a custom domain and notifications by email, deployed by the real Terraform and AWS
 * provider to the local AWS: plan, apply, a re-plan with no changes, a one-file change planned as exactly
 * that object's update, what was deployed read back through the AWS SDK, the CI review of the real plan,
 * and a destroy that leaves nothing behind.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFrontClient,
  GetDistributionCommand,
  ListDistributionsCommand,
  ListFunctionsCommand as ListCloudFrontFunctionsCommand,
  ListOriginAccessControlsCommand,
  ListResponseHeadersPoliciesCommand,
} from '@aws-sdk/client-cloudfront';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { DynamoDBClient, DescribeContinuousBackupsCommand, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketPolicyCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { copyProject, PROJECT_ROOT, synthExampleIn } from '../support/project-copy';
import { CUSTOM_DOMAIN_ENV } from './support/configurations';
import { LOCAL_STATE_FILE, LocalAws, startLocalAws, writeProviderOverride } from '../../scripts/local-aws';
import { migrateImportsToCdktn, synthExampleWithCdktn } from '../support/cdktn-consumer';
import { terraform, terraformOk, toolchain, useMirroredProvider } from './support/terraform';
import type { TerraformToolchain } from '../../scripts/terraform-toolchain';

const ARTIFACTS = join(PROJECT_ROOT, 'artifacts', 'terraform');
const REGION = 'us-east-1';

interface PlannedResource {
  address: string;
  type: string;
  change: { actions: string[] };
}

function resourceChanges(planJson: string): PlannedResource[] {
  return (JSON.parse(planJson) as { resource_changes?: PlannedResource[] }).resource_changes ?? [];
}

const changed = (changes: PlannedResource[]): PlannedResource[] => changes.filter((c) => !c.change.actions.every((a) => a === 'no-op' || a === 'read'));

describe('the example with a custom domain on the local AWS', () => {
  let tc: TerraformToolchain;
  let project: string;
  let stackDir: string;
  let local: LocalAws;
  let clients: {
    s3: S3Client;
    cloudfront: CloudFrontClient;
    dynamodb: DynamoDBClient;
    lambda: LambdaClient;
    iam: IAMClient;
    route53: Route53Client;
    cloudwatch: CloudWatchClient;
    sns: SNSClient;
  };
  let firstPlanJson: string;
  let firstPlanText: string;
  const env = { ...CUSTOM_DOMAIN_ENV, DELETION_PROTECTION: 'false', NOTIFY_EMAILS: 'owner@example.com' };
  const synth = (): void => {
    synthExampleIn(project, env);
  };
  const tf = (args: string[], expectedCode = 0) => terraformOk(tc, stackDir, [...args, '-no-color'], local.env, expectedCode);

  beforeAll(async () => {
    tc = await toolchain();
    project = copyProject('apply-');
    synth();
    stackDir = join(project, 'cdktf.out', 'stacks', 'contact-site');
    useMirroredProvider(tc, stackDir);
    local = await startLocalAws({ stackDir });
    const config = { region: REGION, endpoint: local.endpoint, forcePathStyle: true, credentials: local.credentials };
    clients = {
      s3: new S3Client(config),
      cloudfront: new CloudFrontClient(config),
      dynamodb: new DynamoDBClient(config),
      lambda: new LambdaClient(config),
      iam: new IAMClient(config),
      route53: new Route53Client(config),
      // The provider's Go SDK speaks RPC v2 CBOR to CloudWatch (the local AWS's CloudWatch double); the JS SDK's default is JSON 1.0.
      cloudwatch: new CloudWatchClient({ ...config, protocol: AwsSmithyRpcV2CborProtocol }),
      sns: new SNSClient(config),
    };
    await clients.route53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'apply-test' }));
    mkdirSync(ARTIFACTS, { recursive: true });
    tf(['init', '-input=false']);
  });

  afterAll(async () => {
    await local?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  test('plan: every resource is created, nothing else', () => {
    firstPlanText = tf(['plan', '-out=tfplan', '-input=false', '-detailed-exitcode'], 2).stdout;
    firstPlanJson = tf(['show', '-json', 'tfplan']).stdout;
    writeFileSync(join(ARTIFACTS, 'example-domain.plan.json'), firstPlanJson);
    const changes = changed(resourceChanges(firstPlanJson));
    expect(changes.length).toBeGreaterThan(40);
    expect(changes.filter((c) => c.change.actions.join() !== 'create')).toEqual([]);
  });

  test('npm run review on that plan counts what Terraform counts', () => {
    const review = reviewOf(join(ARTIFACTS, 'example-domain.plan.json'));
    const [, add, change, destroy] = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(firstPlanText)!;
    expect(review).toContain(`| plan | ${add} to create, ${change} to update in place, 0 to replace, ${destroy} to destroy`);
  });

  test('apply, then a plan with no changes (no perpetual diff)', () => {
    tf(['apply', '-input=false', '-auto-approve', 'tfplan']);
    const replan = terraform(tc, stackDir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], local.env);
    expect({ code: replan.code, output: replan.code === 0 ? '' : replan.stdout + replan.stderr }).toEqual({ code: 0, output: '' });
  });

  describe('what was deployed, read back through the AWS SDK', () => {
    const output = (name: string): string => {
      const outputs = JSON.parse(tf(['output', '-json']).stdout) as Record<string, { value: string }>;
      const key = Object.keys(outputs).find((k) => k.startsWith(name));
      if (!key) throw new Error(`no output ${name}: ${Object.keys(outputs).join(', ')}`);
      return outputs[key].value;
    };

    test('each object has its Content-Type and Cache-Control; config.json and the contact page hold the stage URL', async () => {
      const bucket = output('site_bucket-name');
      const endpoint = output('contact_endpoint');
      expect(endpoint).toMatch(/^https:\/\/[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com\/prod\/contact$/);
      const head = async (key: string) => clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(await head('index.html')).toMatchObject({ ContentType: 'text/html; charset=utf-8', CacheControl: 'no-cache' });
      expect(await head('styles.css')).toMatchObject({ ContentType: 'text/css; charset=utf-8', CacheControl: 'no-cache' });
      expect(await head('favicon.svg')).toMatchObject({ ContentType: 'image/svg+xml', CacheControl: 'public, max-age=3600' });
      const body = async (key: string) => (await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
      expect(JSON.parse(await body('config.json'))).toEqual({ contactEndpoint: endpoint });
      const contactPage = await body('contact.html');
      expect(contactPage).toContain(`action="${endpoint}"`);
      expect(contactPage).not.toContain('{{contactEndpoint}}');
    });

    test("the bucket policy lets only this distribution read (AWS:SourceArn is the distribution's ARN)", async () => {
      const bucket = output('site_bucket-name');
      const distributionId = output('site_distribution-id');
      const distribution = await clients.cloudfront.send(new GetDistributionCommand({ Id: distributionId }));
      const policy = JSON.parse((await clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!);
      const allow = policy.Statement.filter((s: { Effect: string }) => s.Effect === 'Allow');
      expect(allow.length).toBeGreaterThan(0);
      for (const statement of allow) {
        expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
        expect(statement.Condition.StringEquals['AWS:SourceArn']).toBe(distribution.Distribution!.ARN);
      }
      expect(distribution.Distribution!.DistributionConfig!.Aliases!.Items!.sort()).toEqual(['example.com', 'www.example.com']);
    });

    test('the table: key id (S), point-in-time recovery on, deletion protection as asked', async () => {
      const name = output('contact_table-name');
      const table = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table!;
      expect(table.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      expect(table.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
      expect(table.DeletionProtectionEnabled).toBe(false);
      const backups = await clients.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: name }));
      expect(backups.ContinuousBackupsDescription!.PointInTimeRecoveryDescription!.PointInTimeRecoveryStatus).toBe('ENABLED');
    });

    test("the function's runtime, environment and role; the role's one inline policy is exactly the least-privilege one", async () => {
      const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: output('contact_function-name') }));
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      const tableName = output('contact_table-name');
      expect(fn.Environment!.Variables).toEqual({ TABLE_NAME: tableName, ALLOWED_ORIGINS: 'https://www.example.com,https://example.com' });
      const roleName = fn.Role!.split('/').pop()!;
      const role = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
      expect(JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      const policies = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
      expect(policies.PolicyNames).toEqual(['contact-handler']);
      const document = JSON.parse(
        decodeURIComponent((await clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'contact-handler' }))).PolicyDocument!),
      );
      const table = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table!;
      const logGroupArn = `arn:aws:logs:${REGION}:${local.accountId}:log-group:/aws/lambda/${fn.FunctionName}`;
      const statements = (document.Statement as Array<Record<string, unknown>>).map((s) => ({
        ...s,
        Action: [s.Action].flat().sort(),
        Resource: [s.Resource].flat(),
      }));
      expect(statements).toEqual([
        { Sid: 'StoreSubmissions', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [table.TableArn] },
        { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroupArn}:*`] },
        { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: ['*'] },
      ]);
    });

    test("notifications: the stream mapping (inserts, failures to the queue), the topic's email subscription, both alarms acting on the topic", async () => {
      const table = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: output('contact_table-name') }))).Table!;
      const mappings = (await clients.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: table.LatestStreamArn }))).EventSourceMappings!;
      expect(mappings).toHaveLength(1);
      const [mapping] = mappings;
      expect(mapping).toMatchObject({ BatchSize: 10, BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'] });
      const queueArn = mapping.DestinationConfig!.OnFailure!.Destination!;
      expect(queueArn).toMatch(new RegExp(`^arn:aws:sqs:${REGION}:${local.accountId}:[\\w-]*failed-notifications[\\w-]*$`));
      const notifier = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: mapping.FunctionArn }));
      const topicArn = notifier.Environment!.Variables!.TOPIC_ARN;
      expect((await clients.sns.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn: topicArn }]);
      const subscriptions = (await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
      expect(subscriptions.map((s) => `${s.Protocol} ${s.Endpoint}`)).toEqual(['email owner@example.com']);
      const alarms = (await clients.cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms!;
      const summary = alarms.map((a) => ({ metric: `${a.Namespace} ${a.MetricName}`, dimensions: a.Dimensions, actions: a.AlarmActions }));
      expect(summary.sort((a, b) => a.metric.localeCompare(b.metric))).toEqual([
        { metric: 'AWS/Lambda Errors', dimensions: [{ Name: 'FunctionName', Value: notifier.FunctionName }], actions: [topicArn] },
        { metric: 'AWS/SQS ApproximateNumberOfMessagesVisible', dimensions: [{ Name: 'QueueName', Value: queueArn.split(':').pop() }], actions: [topicArn] },
      ]);
    });

    test('the names answer: A and AAAA aliases for both names point at the distribution', async () => {
      const distribution = await clients.cloudfront.send(new GetDistributionCommand({ Id: output('site_distribution-id') }));
      const zones = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: await zoneId(clients.route53) }));
      const aliases = zones.ResourceRecordSets!.filter((r) => r.AliasTarget).map((r) => `${r.Type} ${r.Name} -> ${r.AliasTarget!.DNSName}`);
      const target = distribution.Distribution!.DomainName!;
      expect(aliases.sort()).toEqual(
        [`A example.com. -> ${target}`, `A www.example.com. -> ${target}`, `AAAA example.com. -> ${target}`, `AAAA www.example.com. -> ${target}`].map((line) =>
          expect.stringMatching(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.?$`)),
        ),
      );
    });
  });

  test('one site file edited: the plan updates exactly that object and replaces nothing', () => {
    appendFileSync(join(project, 'site', 'index.html'), '\n<!-- edited -->\n');
    synth();
    tf(['plan', '-out=tfplan-edit', '-input=false', '-detailed-exitcode'], 2);
    const planJson = tf(['show', '-json', 'tfplan-edit']).stdout;
    writeFileSync(join(ARTIFACTS, 'example-domain-edit.plan.json'), planJson);
    const changes = changed(resourceChanges(planJson)).map((c) => `${c.change.actions.join('+')} ${c.address}`);
    expect(changes).toEqual([expect.stringMatching(/^update aws_s3_object\.site_file-indexhtml_[0-9A-F]+$/)]);
    // The CI review of that plan says the same: one update, nothing replaced.
    const review = reviewOf(join(ARTIFACTS, 'example-domain-edit.plan.json'));
    expect(review).toContain('| plan | 0 to create, 1 to update in place, 0 to replace, 0 to destroy (');
    const row = review.split('\n').find((line) => /^\| update \| `aws_s3_object\.site_file-indexhtml_[0-9A-F]+` \|/.test(line))!;
    expect(row).toContain('`source_hash`: ');
    expect(row.match(/`version_id`/g)).toHaveLength(1);
    tf(['apply', '-input=false', '-auto-approve', 'tfplan-edit']);
  });

  // The README's move to CDK Terrain: the same main.ts with its imports migrated, in a fresh cdktn project,
  // planned against this deployment's state. The same addresses and values: nothing to change.
  test('the same example moved to CDK Terrain plans no change against the deployed state', () => {
    expect(migrateImportsToCdktn(readFileSync(join(PROJECT_ROOT, 'main.ts'), 'utf8'))).not.toMatch(/from '(cdktf'|@cdktf\/|\.\/)/);
    const work = mkdtempSync(join(tmpdir(), 'apply-cdktn-'));
    try {
      const cdktnStackDir = synthExampleWithCdktn(work, project, env);
      useMirroredProvider(tc, cdktnStackDir);
      writeProviderOverride(cdktnStackDir, local.endpoint);
      copyFileSync(join(stackDir, LOCAL_STATE_FILE), join(cdktnStackDir, LOCAL_STATE_FILE));
      terraformOk(tc, cdktnStackDir, ['init', '-input=false', '-no-color'], local.env);
      const plan = terraform(tc, cdktnStackDir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], local.env);
      expect({ code: plan.code, output: plan.code === 0 ? '' : plan.stdout + plan.stderr }).toEqual({ code: 0, output: '' });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);

  // The provider waits for a deleted SQS queue to stay gone 15 times in a row (backing off to 10 s): the
  // notifications' failed-notifications queue alone takes about 2 min 10 s to destroy, locally as on AWS.
  test('destroy leaves no resource, in the state or in the local AWS', async () => {
    tf(['destroy', '-input=false', '-auto-approve']);
    expect(tf(['state', 'list']).stdout.trim()).toBe('');
    expect((await clients.cloudfront.send(new ListDistributionsCommand({}))).DistributionList!.Items ?? []).toEqual([]);
    expect((await clients.dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect((await clients.lambda.send(new ListFunctionsCommand({}))).Functions).toEqual([]);
    expect((await clients.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings).toEqual([]);
    expect((await clients.cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
    expect((await clients.sns.send(new ListTopicsCommand({}))).Topics).toEqual([]);
    expect(((await clients.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name)).toEqual([]);
    const roles = (await clients.iam.send(new ListRolesCommand({}))).Roles ?? [];
    expect(roles.map((r) => r.RoleName)).toEqual([]);
    const records = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: await zoneId(clients.route53) }));
    expect(records.ResourceRecordSets!.map((r) => r.Type).sort()).toEqual(['NS', 'SOA']);
    const config = { region: REGION, endpoint: local.endpoint, credentials: local.credentials };
    expect((await new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
    expect((await new APIGatewayClient(config).send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
    expect((await new ACMClient(config).send(new ListCertificatesCommand({}))).CertificateSummaryList).toEqual([]);
    expect((await clients.cloudfront.send(new ListCloudFrontFunctionsCommand({}))).FunctionList!.Items ?? []).toEqual([]);
    expect((await clients.cloudfront.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList!.Items ?? []).toEqual([]);
    const policies = await clients.cloudfront.send(new ListResponseHeadersPoliciesCommand({ Type: 'custom' }));
    expect(policies.ResponseHeadersPolicyList!.Items ?? []).toEqual([]);
  }, 300_000);

  function reviewOf(planFile: string): string {
    return execFileSync('npm', ['run', '-s', 'review', '--', '--stack-dir', stackDir, '--plan', planFile], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  }
});

async function zoneId(route53: Route53Client): Promise<string> {
  const zones = await route53.send(new ListHostedZonesByNameCommand({ DNSName: 'example.com' }));
  return zones.HostedZones![0].Id!.replace('/hostedzone/', '');
}
