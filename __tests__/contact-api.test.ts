import { createHash } from 'node:crypto';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { readFileSync } from 'node:fs';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { ContactApi, ContactApiProps, StaticSite } from '../constructs';
import { bundleContactHandler, LAMBDA_HANDLER } from '../handlers/bundle';
import { dependencyGraph, findCycle } from './support/graph';
import { addressOf, makeSiteDir, MINIMAL_SITE, onlyResource, resourcesOf, synthStack, Synthesized } from './support/synth';

const ORIGINS = ['https://www.example.com'];

function synthApi(props: Partial<ContactApiProps> = {}, build?: (api: ContactApi) => void): Synthesized & { api: ContactApi } {
  let api: ContactApi | undefined;
  const synthesized = synthStack((stack) => {
    api = new ContactApi(stack, 'contact', { allowedOrigins: ORIGINS, ...props });
    build?.(api);
  });
  return { ...synthesized, api: api! };
}

function policyStatements(doc: Synthesized['doc'], documentName: string): any[] {
  const documents = doc.data!.aws_iam_policy_document;
  const name = Object.keys(documents).find((key) => key.includes(documentName));
  return documents[name!].statement;
}

describe('ContactApi table', () => {
  const { json, doc } = synthApi();

  it('keys submissions by a generated id, on demand, with PITR, encryption and deletion protection', () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
    });
    expect(onlyResource(doc, 'aws_dynamodb_table').range_key).toBeUndefined();
  });

  it('takes PITR and deletion protection from props', () => {
    const table = onlyResource(synthApi({ pointInTimeRecovery: false, deletionProtection: false }).doc, 'aws_dynamodb_table');
    expect(table.point_in_time_recovery).toEqual({ enabled: false });
    expect(table.deletion_protection_enabled).toBe(false);
  });
});

describe('ContactApi function', () => {
  const { json, doc, api } = synthApi({ thankYouUrl: 'https://www.example.com/thanks.html' });
  const fn = onlyResource(doc, 'aws_lambda_function');

  it('runs the bundled handler zip, with the zip hash as source_code_hash', () => {
    const bundle = bundleContactHandler();
    expect(fn.source_code_hash).toBe(bundle.sourceCodeHash);
    expect(fn.source_code_hash).toBe(createHash('sha256').update(readFileSync(bundle.zipPath)).digest('base64'));
    expect(fn.filename).toMatch(/^assets\/contact_handler-zip_[0-9A-F]+\/[0-9A-F]+\/contact-handler\.zip$/);
    expect(api.handlerSourceCodeHash).toBe(bundle.sourceCodeHash);
  });

  it('is arm64 Node.js 24 with explicit memory, timeout and active tracing', () => {
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      handler: LAMBDA_HANDLER,
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      memory_size: 256,
      timeout: 10,
      tracing_config: { mode: 'Active' },
    });
    expect(fn.reserved_concurrent_executions).toBeUndefined();
  });

  it('learns its table, allowed origins and thank-you page from its environment only', () => {
    expect(fn.environment.variables).toEqual({
      TABLE_NAME: `\${${addressOf(doc, 'aws_dynamodb_table')}.name}`,
      ALLOWED_ORIGINS: 'https://www.example.com',
      THANK_YOU_URL: 'https://www.example.com/thanks.html',
    });
  });

  it('logs to its own log group with retention, created before the function', () => {
    const logGroups = resourcesOf(doc, 'aws_cloudwatch_log_group');
    const functionLogs = Object.entries(logGroups).find(([name]) => name.includes('function-logs'))!;
    expect(functionLogs[1]).toMatchObject({ name: `/aws/lambda/${fn.function_name}`, retention_in_days: 30 });
    expect(fn.logging_config).toEqual({ log_format: 'Text', log_group: `\${aws_cloudwatch_log_group.${functionLogs[0]}.name}` });
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${functionLogs[0]}`);
    const functionPolicy = Object.keys(resourcesOf(doc, 'aws_iam_role_policy')).find((name) => name.includes('function-policy'));
    expect(fn.depends_on).toContain(`aws_iam_role_policy.${functionPolicy}`);
  });

  it('takes runtime settings from props', () => {
    const custom = onlyResource(
      synthApi({
        memorySize: 512,
        timeoutSeconds: 5,
        architecture: 'x86_64',
        runtime: 'nodejs22.x',
        reservedConcurrency: 5,
        tracing: false,
        requireOrigin: true,
      }).doc,
      'aws_lambda_function',
    );
    expect(custom).toMatchObject({
      memory_size: 512,
      timeout: 5,
      architectures: ['x86_64'],
      runtime: 'nodejs22.x',
      reserved_concurrent_executions: 5,
      tracing_config: { mode: 'PassThrough' },
    });
    expect(custom.environment.variables.REQUIRE_ORIGIN).toBe('true');
  });
});

describe('ContactApi least privilege', () => {
  const { doc } = synthApi();
  const roles = resourcesOf(doc, 'aws_iam_role');
  const functionRoleName = Object.keys(roles).find((name) => name.includes('function-role'))!;
  const functionRole = roles[functionRoleName];
  const table = addressOf(doc, 'aws_dynamodb_table');
  const functionLogs = Object.keys(resourcesOf(doc, 'aws_cloudwatch_log_group')).find((name) => name.includes('function-logs'));

  it('lets only Lambda assume the function role, which has no managed policies', () => {
    expect(JSON.parse(functionRole.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(functionRole.managed_policy_arns).toBeUndefined();
    expect(doc.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it('has one inline policy: PutItem and GetItem on this table, log writes to its own log group, traces', () => {
    const policies = Object.values(resourcesOf(doc, 'aws_iam_role_policy')).filter((p) => p.role === `\${aws_iam_role.${functionRoleName}.id}`);
    expect(policies).toHaveLength(1);
    expect(policyStatements(doc, 'function-policy-document')).toEqual([
      { sid: 'StoreSubmissions', effect: 'Allow', actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [`\${${table}.arn}`] },
      {
        sid: 'WriteOwnLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`\${aws_cloudwatch_log_group.${functionLogs}.arn}:*`],
      },
      { sid: 'SendTraces', effect: 'Allow', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
    ]);
  });

  it('grants no wildcard action anywhere, and a "*" resource only to X-Ray, which has no resource-level permissions', () => {
    const statements = policyStatements(doc, 'function-policy-document');
    for (const statement of statements) {
      for (const action of statement.actions) expect(action).not.toMatch(/\*/);
      if (statement.sid !== 'SendTraces') expect(statement.resources).not.toContain('*');
    }
    const withoutTracing = policyStatements(synthApi({ tracing: false }).doc, 'function-policy-document');
    expect(withoutTracing.map((s: any) => s.sid)).toEqual(['StoreSubmissions', 'WriteOwnLogs']);
  });

  it('lets API Gateway invoke the function only for POST on the contact path of the stage', () => {
    const permission = onlyResource(doc, 'aws_lambda_permission');
    expect(permission).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      function_name: `\${${addressOf(doc, 'aws_lambda_function')}.function_name}`,
      source_arn: `\${${addressOf(doc, 'aws_api_gateway_rest_api')}.execution_arn}/prod/POST/contact`,
    });
  });
});

describe('ContactApi REST API', () => {
  const { json, doc } = synthApi();
  const restApi = addressOf(doc, 'aws_api_gateway_rest_api');
  const resource = addressOf(doc, 'aws_api_gateway_resource');

  it('is a regional REST API with a /contact resource', () => {
    expect(onlyResource(doc, 'aws_api_gateway_rest_api').endpoint_configuration).toEqual({ types: ['REGIONAL'] });
    expect(onlyResource(doc, 'aws_api_gateway_resource')).toEqual(
      expect.objectContaining({ rest_api_id: `\${${restApi}.id}`, parent_id: `\${${restApi}.root_resource_id}`, path_part: 'contact' }),
    );
  });

  it('proxies POST /contact to the function', () => {
    expect(json).toHaveResourceWithProperties(ApiGatewayMethod, {
      http_method: 'POST',
      authorization: 'NONE',
      resource_id: `\${${resource}.id}`,
    });
    const integrations = Object.values(resourcesOf(doc, 'aws_api_gateway_integration'));
    const proxy = integrations.find((i) => i.type === 'AWS_PROXY');
    expect(proxy).toMatchObject({
      integration_http_method: 'POST',
      uri: `\${${addressOf(doc, 'aws_lambda_function')}.invoke_arn}`,
      resource_id: `\${${resource}.id}`,
    });
  });

  it('answers the preflight on the same resource with a MOCK integration, and CORS on gateway errors', () => {
    const methods = Object.values(resourcesOf(doc, 'aws_api_gateway_method'));
    expect(methods.map((m) => m.http_method).sort()).toEqual(['OPTIONS', 'POST']);
    expect(methods.every((m) => m.resource_id === `\${${resource}.id}`)).toBe(true);
    const mock = Object.values(resourcesOf(doc, 'aws_api_gateway_integration')).find((i) => i.type === 'MOCK');
    expect(mock!.request_templates).toEqual({ 'application/json': '{"statusCode": 200}' });
    const integrationResponse = onlyResource(doc, 'aws_api_gateway_integration_response');
    expect(integrationResponse.response_parameters['method.response.header.Access-Control-Allow-Origin']).toBe("'https://www.example.com'");
    expect(integrationResponse.response_parameters['method.response.header.Access-Control-Allow-Methods']).toBe("'POST,OPTIONS'");
    const gatewayResponses = Object.values(resourcesOf(doc, 'aws_api_gateway_gateway_response'));
    expect(gatewayResponses.map((g) => g.response_type).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    for (const response of gatewayResponses) {
      expect(response.response_parameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'https://www.example.com'");
    }
    expect(synthApi({ corsGatewayResponses: false }).doc.resource.aws_api_gateway_gateway_response).toBeUndefined();
  });

  it('rejects the same bad origins as CorsPreflight, naming its own prop', () => {
    expect(() => synthApi({ allowedOrigins: [] })).toThrow(/ContactApi: allowedOrigins must not be empty/);
    expect(() => synthApi({ allowedOrigins: ['https://www.example.com/'] })).toThrow(
      /ContactApi: allowedOrigins "https:\/\/www\.example\.com\/" is not an origin/,
    );
  });
});

describe('ContactApi with a site reference and a literal origin in its allowlist', () => {
  // A site without a custom domain: its origin is https://${<distribution>.domain_name}, known at apply time.
  const siteDir = makeSiteDir(MINIMAL_SITE);
  const { doc } = synthStack((stack) => {
    const site = new StaticSite(stack, 'site', { siteDir });
    new ContactApi(stack, 'contact', { allowedOrigins: [...site.origins, 'http://localhost:3000'] });
  });
  const siteOrigin = `https://\${${addressOf(doc, 'aws_cloudfront_distribution')}.domain_name}`;

  it('synthesizes, and the preflight template allows the reference and the literal', () => {
    const template: string = onlyResource(doc, 'aws_api_gateway_integration_response').response_templates['application/json'];
    expect(template).toContain(`$origin == '${siteOrigin}'`);
    expect(template).toContain("$origin == 'http://localhost:3000'");
  });

  it('echoes the allowed Origin on the gateway error responses, and gives the handler both origins', () => {
    for (const response of Object.values(resourcesOf(doc, 'aws_api_gateway_gateway_response'))) {
      expect(response.response_parameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe('method.request.header.Origin');
    }
    expect(onlyResource(doc, 'aws_lambda_function').environment.variables.ALLOWED_ORIGINS).toBe(`${siteOrigin},http://localhost:3000`);
  });
});

describe('ContactApi deployment and stage', () => {
  const { doc } = synthApi();
  const deployment = onlyResource(doc, 'aws_api_gateway_deployment');
  const stage = onlyResource(doc, 'aws_api_gateway_stage');

  it('redeploys on a Terraform hash of what the deployment serves, creating the new deployment first', () => {
    const trigger: string = deployment.triggers.redeployment;
    expect(trigger).toMatch(/^\$\{sha1\(jsonencode\(\[.*\]\)\)\}$/);
    expect(JSON.stringify(deployment.triggers)).not.toContain('timestamp');
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
    const integrations = Object.keys(resourcesOf(doc, 'aws_api_gateway_integration')).map((n) => `aws_api_gateway_integration.${n}`);
    expect(deployment.depends_on).toEqual(expect.arrayContaining(integrations));
  });

  it('hashes Terraform values, so a changed reference (such as an allowed origin) redeploys the stage', () => {
    const trigger: string = deployment.triggers.redeployment;
    const listed = trigger.slice('${sha1(jsonencode(['.length, -']))}'.length).split(', ');
    const named = (type: string, part: string): string => `${type}.${Object.keys(resourcesOf(doc, type)).find((n) => n.includes(part))!}`;
    const post = named('aws_api_gateway_method', 'post-method');
    const options = named('aws_api_gateway_method', 'cors_method');
    const proxy = named('aws_api_gateway_integration', 'post-integration');
    const mock = named('aws_api_gateway_integration', 'cors_integration');
    const methodResponse = addressOf(doc, 'aws_api_gateway_method_response');
    const integrationResponse = addressOf(doc, 'aws_api_gateway_integration_response');
    const gatewayResponses = Object.keys(resourcesOf(doc, 'aws_api_gateway_gateway_response')).map((n) => `aws_api_gateway_gateway_response.${n}`);
    expect(gatewayResponses).toHaveLength(2);
    const expected = [
      // Every route element by id: a replaced one has a new id.
      ...[addressOf(doc, 'aws_api_gateway_resource'), post, proxy, options, mock, methodResponse, integrationResponse, ...gatewayResponses].map(
        (a) => `${a}.id`,
      ),
      // What changes in place.
      `${post}.authorization`,
      `${post}.api_key_required`,
      `${proxy}.uri`,
      `${mock}.request_templates`,
      `${methodResponse}.response_parameters`,
      `${integrationResponse}.response_parameters`,
      ...gatewayResponses.map((g) => `${g}.response_parameters`),
    ];
    expect(listed).toEqual(expect.arrayContaining(expected));
    // One origin is a header value; several are a VTL template, which is then hashed too.
    expect(listed).not.toContain(`${integrationResponse}.response_templates`);
    const severalOrigins = synthApi({ allowedOrigins: ['https://a.example.com', 'https://b.example.com'] }).doc;
    expect(onlyResource(severalOrigins, 'aws_api_gateway_deployment').triggers.redeployment).toContain(
      `${addressOf(severalOrigins, 'aws_api_gateway_integration_response')}.response_templates`,
    );
    // Only references: no synthesized text, so nothing in it is stale when a referenced value changes.
    for (const item of listed) expect(item).toMatch(/^aws_api_gateway_[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_]+$/);
  });

  it('hashes only attributes the resources set (an unset one reads back null after create and "" after a refresh: a perpetual replacement)', () => {
    const trigger: string = deployment.triggers.redeployment;
    const listed = trigger.slice('${sha1(jsonencode(['.length, -']))}'.length).split(', ');
    for (const item of listed) {
      const [type, name, attribute] = item.split('.');
      if (attribute === 'id') continue;
      expect({ item, value: resourcesOf(doc, type)[name]?.[attribute] }).toEqual({ item, value: expect.anything() });
    }
  });

  it('is the same expression on every synth, whatever else changes (it cannot change on every apply)', () => {
    expect(onlyResource(synthApi().doc, 'aws_api_gateway_deployment').triggers).toEqual(deployment.triggers);
    expect(onlyResource(synthApi({ memorySize: 1024 }).doc, 'aws_api_gateway_deployment').triggers).toEqual(deployment.triggers);
    const noGatewayResponses = onlyResource(synthApi({ corsGatewayResponses: false }).doc, 'aws_api_gateway_deployment').triggers.redeployment;
    expect(noGatewayResponses).not.toContain('aws_api_gateway_gateway_response');
  });

  it('has a prod stage with X-Ray and JSON access logs to a log group with retention', () => {
    expect(stage).toMatchObject({
      stage_name: 'prod',
      xray_tracing_enabled: true,
      deployment_id: `\${${addressOf(doc, 'aws_api_gateway_deployment')}.id}`,
    });
    const accessLogs = Object.entries(resourcesOf(doc, 'aws_cloudwatch_log_group')).find(([name]) => name.includes('access-logs'))!;
    expect(accessLogs[1].retention_in_days).toBe(30);
    expect(stage.access_log_settings.destination_arn).toBe(`\${aws_cloudwatch_log_group.${accessLogs[0]}.arn}`);
    const format = JSON.parse(stage.access_log_settings.format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', integrationError: '$context.integration.error' });
    expect(Object.values(format).join(' ')).not.toMatch(/requestBody|responseBody|\$input/);
  });

  it('throttles every method, records metrics, and never logs request bodies', () => {
    expect(onlyResource(doc, 'aws_api_gateway_method_settings')).toMatchObject({
      method_path: '*/*',
      stage_name: `\${${addressOf(doc, 'aws_api_gateway_stage')}.stage_name}`,
      settings: { throttling_rate_limit: 10, throttling_burst_limit: 20, metrics_enabled: true, data_trace_enabled: false, logging_level: 'ERROR' },
    });
    const custom = onlyResource(
      synthApi({ throttlingRateLimit: 2, throttlingBurstLimit: 5, stageName: 'live', logRetentionDays: 90 }).doc,
      'aws_api_gateway_method_settings',
    );
    expect(custom.settings).toMatchObject({ throttling_rate_limit: 2, throttling_burst_limit: 5 });
  });

  it('manages the execution log group API Gateway writes to, with retention, before the stage and method settings', () => {
    const groups = resourcesOf(doc, 'aws_cloudwatch_log_group');
    const name = Object.keys(groups).find((n) => n.includes('execution-logs'))!;
    expect(groups[name]).toEqual({
      name: `API-Gateway-Execution-Logs_\${${addressOf(doc, 'aws_api_gateway_rest_api')}.id}/prod`,
      retention_in_days: 30,
    });
    expect(stage.depends_on).toContain(`aws_cloudwatch_log_group.${name}`);
    expect(onlyResource(doc, 'aws_api_gateway_method_settings').depends_on).toEqual([`aws_cloudwatch_log_group.${name}`]);
    const custom = synthApi({ stageName: 'live', logRetentionDays: 90 });
    const customGroup = Object.values(resourcesOf(custom.doc, 'aws_cloudwatch_log_group')).find((g) => g.name.startsWith('API-Gateway-Execution-Logs_'))!;
    expect(customGroup.name).toMatch(/\/live$/);
    expect(customGroup.retention_in_days).toBe(90);
    expect(custom.api.executionLogGroup.friendlyUniqueId).toMatch(/^contact_execution-logs_/);
  });

  it('manages the account-wide API Gateway CloudWatch role before the stage, unless told not to', () => {
    const account = onlyResource(doc, 'aws_api_gateway_account');
    const roles = resourcesOf(doc, 'aws_iam_role');
    const roleName = Object.keys(roles).find((name) => name.includes('api-gateway-cloudwatch-role'))!;
    expect(account.cloudwatch_role_arn).toBe(`\${aws_iam_role.${roleName}.arn}`);
    expect(JSON.parse(roles[roleName].assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const pushPolicy = Object.values(resourcesOf(doc, 'aws_iam_role_policy')).find((p) => p.role === `\${aws_iam_role.${roleName}.id}`);
    const actions: string[] = JSON.parse(pushPolicy!.policy).Statement[0].Action;
    expect(actions.every((action) => action.startsWith('logs:'))).toBe(true);
    expect(stage.depends_on).toContain(addressOf(doc, 'aws_api_gateway_account'));

    const unmanaged = synthApi({ manageApiGatewayAccount: false }).doc;
    expect(unmanaged.resource.aws_api_gateway_account).toBeUndefined();
    expect(Object.keys(resourcesOf(unmanaged, 'aws_iam_role'))).toHaveLength(1);
    expect(onlyResource(unmanaged, 'aws_api_gateway_stage').depends_on.filter((d: string) => d.startsWith('aws_api_gateway_account'))).toEqual([]);
  });
});

describe('ContactApi: one API Gateway account setting per stack and region', () => {
  const siteDir = makeSiteDir(MINIMAL_SITE);
  function twoForms(first: Partial<ContactApiProps> = {}, second: Partial<ContactApiProps> = {}): Synthesized {
    return synthStack((stack) => {
      const site = new StaticSite(stack, 'site', { siteDir });
      new ContactApi(stack, 'contact', { allowedOrigins: site.origins, ...first });
      new ContactApi(stack, 'newsletter', { allowedOrigins: site.origins, ...second });
    });
  }
  // The addresses a deployed single-form stack (main.ts's `contact`) has in its state: they must not move.
  const FIRST = {
    aws_iam_role: 'contact_api-gateway-cloudwatch-role_CD0B0EB6',
    aws_iam_role_policy: 'contact_api-gateway-cloudwatch-policy_C83D4705',
    aws_api_gateway_account: 'contact_api-gateway-account_D94D75EE',
  };

  it('keeps the addresses of a single ContactApi', () => {
    const { doc } = synthApi();
    for (const [type, name] of Object.entries(FIRST)) expect(Object.keys(resourcesOf(doc, type))).toContain(name);
  });

  it('two forms: one account setting, made by the first at its old addresses, and both stages wait for it', () => {
    const { doc } = twoForms();
    expect(Object.keys(resourcesOf(doc, 'aws_api_gateway_account'))).toEqual([FIRST.aws_api_gateway_account]);
    const apigwRoles = Object.keys(resourcesOf(doc, 'aws_iam_role')).filter((name) => name.includes('api-gateway-cloudwatch'));
    expect(apigwRoles).toEqual([FIRST.aws_iam_role]);
    const pushPolicies = Object.keys(resourcesOf(doc, 'aws_iam_role_policy')).filter((name) => name.includes('api-gateway-cloudwatch'));
    expect(pushPolicies).toEqual([FIRST.aws_iam_role_policy]);
    const stages = Object.values(resourcesOf(doc, 'aws_api_gateway_stage'));
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage.depends_on).toContain(`aws_api_gateway_account.${FIRST.aws_api_gateway_account}`);
  });

  it('shares the same objects through both constructs', () => {
    let apis: ContactApi[] = [];
    synthStack((stack) => {
      apis = [new ContactApi(stack, 'contact', { allowedOrigins: ORIGINS }), new ContactApi(stack, 'newsletter', { allowedOrigins: ORIGINS })];
    });
    expect(apis[1].apiGatewayAccount).toBe(apis[0].apiGatewayAccount);
    expect(apis[1].apiGatewayCloudwatchRole).toBe(apis[0].apiGatewayCloudwatchRole);
    expect(apis[1].apiGatewayCloudwatchPolicy).toBe(apis[0].apiGatewayCloudwatchPolicy);
  });

  it('is made by the first ContactApi that manages it, and an earlier stage waits for it too', () => {
    const { doc } = twoForms({ manageApiGatewayAccount: false });
    const accounts = Object.keys(resourcesOf(doc, 'aws_api_gateway_account'));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatch(/^newsletter_api-gateway-account_/);
    for (const stage of Object.values(resourcesOf(doc, 'aws_api_gateway_stage'))) {
      expect(stage.depends_on.filter((d: string) => d.startsWith('aws_api_gateway_account'))).toEqual([`aws_api_gateway_account.${accounts[0]}`]);
    }
    expect(twoForms({ manageApiGatewayAccount: false }, { manageApiGatewayAccount: false }).doc.resource.aws_api_gateway_account).toBeUndefined();
  });

  it('is one per stack: another stack of the same app makes its own', () => {
    const app = Testing.app();
    const stacks = ['eu', 'us'].map((id) => {
      const stack = new TerraformStack(app, id);
      new AwsProvider(stack, 'aws', { region: id === 'eu' ? 'eu-west-1' : 'us-east-1' });
      new ContactApi(stack, 'contact', { allowedOrigins: ORIGINS });
      return stack;
    });
    for (const stack of stacks) {
      const doc = JSON.parse(Testing.synth(stack));
      expect(Object.keys(resourcesOf(doc, 'aws_api_gateway_account'))).toEqual([FIRST.aws_api_gateway_account]);
    }
  });
});

describe('ContactApi outputs and URLs', () => {
  it('outputs the contact endpoint, table name and function name', () => {
    const { doc, api } = synthApi();
    const stage = addressOf(doc, 'aws_api_gateway_stage');
    expect(
      Object.values(doc.output!)
        .map((o) => o.value)
        .sort(),
    ).toEqual(
      [
        `\${${stage}.invoke_url}/contact`,
        `\${${addressOf(doc, 'aws_dynamodb_table')}.name}`,
        `\${${addressOf(doc, 'aws_lambda_function')}.function_name}`,
      ].sort(),
    );
    expect(api.endpointUrl).toContain('/contact');
  });

  it('serves on a custom domain with a regional certificate, base path mapping and aliases', () => {
    const { doc, api } = synthApi({ domainName: 'api.example.com', hostedZoneName: 'example.com' });
    expect(onlyResource(doc, 'aws_acm_certificate')).toMatchObject({ domain_name: 'api.example.com', validation_method: 'DNS' });
    expect(onlyResource(doc, 'aws_acm_certificate').provider).toBeUndefined();
    const domain = onlyResource(doc, 'aws_api_gateway_domain_name');
    expect(domain).toMatchObject({
      domain_name: 'api.example.com',
      regional_certificate_arn: `\${${addressOf(doc, 'aws_acm_certificate_validation')}.certificate_arn}`,
      endpoint_configuration: { types: ['REGIONAL'] },
      security_policy: 'TLS_1_2',
    });
    expect(onlyResource(doc, 'aws_api_gateway_base_path_mapping')).toMatchObject({
      api_id: `\${${addressOf(doc, 'aws_api_gateway_rest_api')}.id}`,
      stage_name: `\${${addressOf(doc, 'aws_api_gateway_stage')}.stage_name}`,
    });
    const aliases = Object.values(resourcesOf(doc, 'aws_route53_record')).filter((r) => r.alias);
    expect(aliases.map((r) => r.type).sort()).toEqual(['A', 'AAAA']);
    expect(aliases[0].alias.name).toBe(`\${${addressOf(doc, 'aws_api_gateway_domain_name')}.regional_domain_name}`);
    expect(api.endpointUrl).toBe('https://api.example.com/contact');
    expect(api.apiOrigin).toBe('https://api.example.com');
  });

  it('has no dependency cycle', () => {
    expect(findCycle(dependencyGraph(synthApi().doc))).toBeUndefined();
  });
});

describe('ContactApi rejects props that cannot work', () => {
  const cases: [Partial<ContactApiProps>, RegExp][] = [
    [{ stageName: 'my stage' }, /ContactApi: stageName "my stage" may only hold/],
    [{ resourcePath: 'api/contact' }, /ContactApi: resourcePath "api\/contact" must be one path segment/],
    [{ throttlingRateLimit: 0 }, /ContactApi: throttlingRateLimit must be a number above 0/],
    [{ throttlingBurstLimit: 2.5 }, /ContactApi: throttlingBurstLimit must be an integer above 0/],
    [{ throttlingRateLimit: 50, throttlingBurstLimit: 20 }, /ContactApi: throttlingBurstLimit \(20\) must be at least throttlingRateLimit \(50\)/],
    [{ logRetentionDays: 10 }, /ContactApi: logRetentionDays 10 is not a CloudWatch retention period/],
    [{ memorySize: 64 }, /ContactApi: memorySize must be an integer number of MB from 128 to 10240/],
    [{ timeoutSeconds: 30 }, /ContactApi: timeoutSeconds must be an integer from 1 to 28/],
    [{ architecture: 'sparc' as never }, /ContactApi: architecture "sparc" is not/],
    [{ runtime: 'nodejs18.x' as never }, /ContactApi: runtime "nodejs18\.x" is not one of nodejs22\.x, nodejs24\.x/],
    [{ reservedConcurrency: -1 }, /ContactApi: reservedConcurrency must be an integer above 0/],
    [{ thankYouUrl: 'thanks.html' }, /ContactApi: thankYouUrl "thanks\.html" must be an absolute http\(s\) URL or a path/],
    [{ hostedZoneName: 'example.com' }, /ContactApi: hostedZoneName needs domainName/],
    [{ domainName: 'api.example.com' }, /ContactApi: hostedZoneId or hostedZoneName is required with domainName/],
    [{ domainName: 'api.example.org', hostedZoneName: 'example.com' }, /ContactApi: domainName "api\.example\.org" is not in hosted zone "example\.com"/],
    [{ domainName: 'API.example.com', hostedZoneId: 'Z1' }, /ContactApi: domainName "API\.example\.com" is not a valid domain name/],
    [{ allowedOrigins: ['*', 'https://www.example.com'] }, /ContactApi: allowedOrigins "\*" cannot be mixed/],
  ];
  it.each(cases)('%j', (props, message) => {
    expect(() => synthApi(props)).toThrow(message);
  });
});
