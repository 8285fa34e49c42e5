import { dependable, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { accountUniqueName } from './names';
import { defaultAwsProvider } from './providers';
import { suppressRule } from './suppressions';
import { serviceTrustPolicy } from './policy-statements';

/** The region's account-wide API Gateway CloudWatch role and the `aws_api_gateway_account` that sets it. */
export interface ApiGatewayAccountSetting {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly account: ApiGatewayAccount;
}

interface Entry {
  setting?: ApiGatewayAccountSetting;
  readonly stages: ApiGatewayStage[];
}

// One entry per stack and provider: the setting is per account and region, so a stack holds at most one.
const registry = new WeakMap<TerraformStack, Map<TerraformProvider | undefined, Entry>>();

function entryFor(scope: Construct): Entry {
  const stack = TerraformStack.of(scope);
  const byProvider = registry.get(stack) ?? new Map<TerraformProvider | undefined, Entry>();
  registry.set(stack, byProvider);
  const provider = defaultAwsProvider(scope);
  const entry = byProvider.get(provider) ?? { stages: [] };
  byProvider.set(provider, entry);
  return entry;
}

/**
 * The stack's API Gateway account setting for the default provider's region: made in `scope` (ids
 * `api-gateway-cloudwatch-role`, `api-gateway-cloudwatch-policy`, `api-gateway-account`, so the first
 * construct that asks keeps the addresses it always had) by the first caller, and the same objects for
 * every later one, so that no two resources manage the one setting.
 */
export function sharedApiGatewayAccount(scope: Construct): ApiGatewayAccountSetting {
  const entry = entryFor(scope);
  if (entry.setting === undefined) {
    entry.setting = createApiGatewayAccount(scope);
    for (const stage of entry.stages) dependOn(stage, entry.setting.account);
  }
  return entry.setting;
}

/**
 * Makes `stage` wait for the stack's API Gateway account setting (a region without the CloudWatch role
 * refuses access log settings), whether that setting is made before or after the stage.
 */
export function stageNeedsApiGatewayAccount(stage: ApiGatewayStage): void {
  const entry = entryFor(stage);
  entry.stages.push(stage);
  if (entry.setting !== undefined) dependOn(stage, entry.setting.account);
}

// Called once per stage and setting: when the stage is registered, or when the setting is made after it.
function dependOn(stage: ApiGatewayStage, account: ApiGatewayAccount): void {
  stage.dependsOn = [...(stage.dependsOn ?? []), dependable(account)];
}

function createApiGatewayAccount(scope: Construct): ApiGatewayAccountSetting {
  const role = new IamRole(scope, 'api-gateway-cloudwatch-role', {
    name: accountUniqueName(scope, 'apigw-logs'),
    description: "API Gateway's account-wide role for pushing logs to CloudWatch",
    assumeRolePolicy: serviceTrustPolicy('apigateway.amazonaws.com'),
  });
  const policy = new IamRolePolicy(scope, 'api-gateway-cloudwatch-policy', {
    name: 'push-logs',
    role: role.id,
    // The log-push actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs, inline: the role serves
    // every API of the region, so its log groups are not known here.
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: API_GATEWAY_LOG_ACTIONS, Resource: '*' }],
    }),
  });
  suppressRule(
    policy,
    'AwsSolutions-IAM5',
    "This is the region's account-wide API Gateway CloudWatch role (aws_api_gateway_account): it pushes the logs of every REST API in the region, " +
      "so the log groups it writes to are not known here. The actions are those of AWS's AmazonAPIGatewayPushToCloudWatchLogs, inline instead " +
      'of attaching the managed policy (AwsSolutions-IAM4).',
    { appliesTo: API_GATEWAY_LOG_ACTIONS.map((action) => `Resource::* for ${action}`) },
  );
  const account = new ApiGatewayAccount(scope, 'api-gateway-account', {
    cloudwatchRoleArn: role.arn,
    dependsOn: [policy],
  });
  return { role, policy, account };
}

/** The log-push actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs. */
const API_GATEWAY_LOG_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
];
