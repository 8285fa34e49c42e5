import { AssetType, Fn, TerraformAsset, TerraformOutput, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { ApiGatewayBasePathMapping } from '@cdktf/provider-aws/lib/api-gateway-base-path-mapping';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayDomainName } from '@cdktf/provider-aws/lib/api-gateway-domain-name';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { bundleContactHandler, ContactHandlerBundle, LAMBDA_HANDLER } from '../handlers/bundle';
import { ContactApiProps, ContactApiSettings, resolveContactApiProps } from './contact-api-props';
import { suppressContactApiRules } from './contact-api-suppressions';
import { ContactNotifications } from './contact-notifications';
import { CorsPreflight } from './cors-preflight';
import { ACCESS_LOG_FORMAT, servedConfiguration } from './internal/api-deployment';
import { sharedApiGatewayAccount, stageNeedsApiGatewayAccount } from './internal/api-gateway-account';
import { aliasRecords, dnsValidatedCertificate } from './internal/certificate';
import { handlerPolicyStatements } from './internal/handler-permissions';
import { accountUniqueName, regionUniqueName } from './internal/names';
import { serviceTrustPolicy } from './internal/policy-statements';

export type { ContactApiProps, ContactApiRuntime } from './contact-api-props';

/**
 * The contact form's backend: a regional REST API with `POST /contact` proxied to a Lambda
 * function (the TypeScript handler, bundled by esbuild into a deterministic zip at synth), a
 * preflight on the same resource, and a DynamoDB table the function may only write items to and read them back by id.
 *
 * @example
 * const site = new StaticSite(stack, 'site', { siteDir: 'site' });
 * const api = new ContactApi(stack, 'contact', { allowedOrigins: site.origins });
 * // api.endpointUrl -> https://<id>.execute-api.<region>.amazonaws.com/prod/contact
 */
export class ContactApi extends Construct {
  /** The submissions: hash key `id` (S), `PAY_PER_REQUEST`, point-in-time recovery, encryption at rest, deletion protection. */
  public readonly table: DynamodbTable;
  /** The handler's zip, built by esbuild at synth, byte for byte the same from the same source. */
  public readonly handlerAsset: TerraformAsset;
  /** Base64 SHA-256 of the handler zip (the function's `source_code_hash`). */
  public readonly handlerSourceCodeHash: string;
  /** `/aws/lambda/<name>` with `logRetentionDays`, made before the function (so that Lambda does not make its own). */
  public readonly functionLogGroup: CloudwatchLogGroup;
  /**
   * The function's role: no managed policies, one inline policy. `create_before_destroy`: a renamed role (see
   * the README's "Names and regions") replaces role and policy with no moment when the function lacks permissions.
   */
  public readonly functionRole: IamRole;
  /**
   * `dynamodb:PutItem` and `GetItem` (for idempotent retries) on this table, `logs:CreateLogStream`/`PutLogEvents`
   * on this log group, X-Ray writes (the only `*`: X-Ray has no resource-level permissions), `kms:Decrypt` on the
   * table key through DynamoDB only with `tableKmsKeyArn`.
   */
  public readonly functionPolicyDocument: DataAwsIamPolicyDocument;
  /** The role's one inline policy (`aws_iam_role_policy`). */
  public readonly functionPolicy: IamRolePolicy;
  /**
   * The handler: environment `TABLE_NAME`, `ALLOWED_ORIGINS` (and `THANK_YOU_URL`, `REQUIRE_ORIGIN` when set),
   * X-Ray, log lines without personal data.
   */
  public readonly function: LambdaFunction;
  /** A REGIONAL REST API. */
  public readonly restApi: ApiGatewayRestApi;
  /** `/contact` (`resourcePath`). */
  public readonly contactResource: ApiGatewayResource;
  /**
   * `POST`, proxied to the function (`postIntegration`, `AWS_PROXY`). No method or integration responses: with
   * a proxy the function's own status and headers are what the browser sees.
   */
  public readonly postMethod: ApiGatewayMethod;
  public readonly postIntegration: ApiGatewayIntegration;
  /** `OPTIONS` + `MOCK` on the same resource, and CORS headers on the gateway's own error responses. */
  public readonly cors: CorsPreflight;
  /** Lets API Gateway invoke the function for `POST` on this resource and stage only (`<execution arn>/<stage>/POST/<path>`). */
  public readonly invokePermission: LambdaPermission;
  /**
   * `triggers.redeployment` is a hash of what the deployment serves, as Terraform values (the routes' ids and
   * the values they set that can change in place), so that a changed referenced value (e.g. a replaced
   * distribution's domain in the allowed origins) redeploys and nothing else does; no `timestamp()`;
   * `create_before_destroy`.
   */
  public readonly deployment: ApiGatewayDeployment;
  /** The stage's access log: one JSON line per request, no bodies. */
  public readonly accessLogGroup: CloudwatchLogGroup;
  /**
   * `API-Gateway-Execution-Logs_<rest api id>/<stage name>`, where API Gateway writes the stage's execution logs
   * (`logging_level` `ERROR`), with `logRetentionDays`. Made before the stage and its method settings, so that
   * API Gateway does not make it first (without retention, and left behind on destroy).
   */
  public readonly executionLogGroup: CloudwatchLogGroup;
  /** The stage: access logs, X-Ray (with `tracing`). */
  public readonly stage: ApiGatewayStage;
  /** Every method of the stage: throttling, metrics, execution logs at `ERROR`, data trace off (it would log the form). */
  public readonly methodSettings: ApiGatewayMethodSettings;
  /** The region of the stack's provider, for the API's URL. */
  public readonly region: DataAwsRegion;
  /**
   * With `manageApiGatewayAccount`: the role API Gateway pushes logs with, and the account setting. One per
   * stack and region: the first `ContactApi` of the stack that manages it makes these three in its own scope,
   * and every later one gets the same objects (and its stage waits for them too).
   */
  public readonly apiGatewayCloudwatchRole?: IamRole;
  public readonly apiGatewayCloudwatchPolicy?: IamRolePolicy;
  public readonly apiGatewayAccount?: ApiGatewayAccount;
  /** With `webAclArn`: the association of the web ACL with the stage. */
  public readonly webAclAssociation?: Wafv2WebAclAssociation;
  /** With `domainName` and `hostedZoneName`: the zone, looked up by name. */
  public readonly hostedZone?: DataAwsRoute53Zone;
  /** With `domainName`: the regional certificate, validated through DNS. */
  public readonly certificate?: AcmCertificate;
  public readonly certificateValidationRecords?: Route53Record;
  public readonly certificateValidation?: AcmCertificateValidation;
  /** With `domainName`: the regional custom domain (TLS 1.2) and its mapping to the stage. */
  public readonly customDomain?: ApiGatewayDomainName;
  public readonly basePathMapping?: ApiGatewayBasePathMapping;
  /** With `domainName`: `A` and `AAAA` alias records, keyed by `<type> <name>`. */
  public readonly aliasRecords: Record<string, Route53Record>;
  /** With `notify`: the stream's notifier, its topic (or the given one), the failure queue and the alarms. */
  public readonly notifications?: ContactNotifications;
  /** Output `endpoint`: the URL the form posts to. */
  public readonly endpointOutput: TerraformOutput;
  /** Output `table-name`. */
  public readonly tableNameOutput: TerraformOutput;
  /** Output `function-name`. */
  public readonly functionNameOutput: TerraformOutput;

  /** The URL the form posts to. */
  public readonly endpointUrl: string;
  /** `https://host` of the API, for the site's Content-Security-Policy. */
  public readonly apiOrigin: string;
  /** The validated CORS allowlist. */
  public readonly allowedOrigins: string[];

  constructor(scope: Construct, id: string, props: ContactApiProps) {
    super(scope, id);
    const settings = resolveContactApiProps(props);
    this.allowedOrigins = settings.allowedOrigins;
    const functionName = regionUniqueName(this, 'handler');
    const apiName = regionUniqueName(this, 'api', 128);

    // --- Table ----------------------------------------------------------------------------------
    this.table = createTable(this, props, settings);
    // The region of the stack's provider: for the kms:ViaService condition and the API's URL.
    this.region = new DataAwsRegion(this, 'region');

    // --- Function -------------------------------------------------------------------------------
    const bundle = bundleContactHandler();
    this.handlerSourceCodeHash = bundle.sourceCodeHash;
    this.handlerAsset = new TerraformAsset(this, 'handler-zip', { path: bundle.zipPath, type: AssetType.FILE });
    this.functionLogGroup = createLogGroup(this, 'function-logs', `/aws/lambda/${functionName}`, settings);
    this.functionRole = createFunctionRole(this);
    this.functionPolicyDocument = new DataAwsIamPolicyDocument(this, 'function-policy-document', {
      statement: handlerPolicyStatements({
        tableArn: this.table.arn,
        logGroupArn: this.functionLogGroup.arn,
        region: this.region.region,
        tableKmsKeyArn: props.tableKmsKeyArn,
        tracing: settings.tracing,
      }),
    });
    this.functionPolicy = new IamRolePolicy(this, 'function-policy', {
      name: 'contact-handler',
      role: this.functionRole.id,
      policy: this.functionPolicyDocument.json,
      lifecycle: { createBeforeDestroy: true },
    });
    this.function = createFunction(this, props, settings, { functionName, bundle });

    // --- REST API -------------------------------------------------------------------------------
    this.restApi = new ApiGatewayRestApi(this, 'api', {
      name: apiName,
      description: 'Contact form API',
      endpointConfiguration: { types: ['REGIONAL'] },
      // Should the API ever be replaced, the new one is made first: the old keeps answering until then.
      lifecycle: { createBeforeDestroy: true },
    });
    this.contactResource = new ApiGatewayResource(this, 'contact-resource', {
      restApiId: this.restApi.id,
      parentId: this.restApi.rootResourceId,
      pathPart: settings.resourcePath,
    });
    this.postMethod = new ApiGatewayMethod(this, 'post-method', {
      restApiId: this.restApi.id,
      resourceId: this.contactResource.id,
      httpMethod: 'POST',
      authorization: 'NONE',
      apiKeyRequired: false,
    });
    // With AWS_PROXY the function's own response (status, CORS headers, body) is what the browser
    // gets; method/integration responses on this method would be ignored, so there are none.
    this.postIntegration = new ApiGatewayIntegration(this, 'post-integration', {
      restApiId: this.restApi.id,
      resourceId: this.contactResource.id,
      httpMethod: this.postMethod.httpMethod,
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: this.function.invokeArn,
    });
    this.cors = new CorsPreflight(this, 'cors', {
      restApiId: this.restApi.id,
      resourceId: this.contactResource.id,
      allowOrigins: this.allowedOrigins,
      allowMethods: ['POST'],
      gatewayResponses: settings.corsGatewayResponses,
    });
    this.invokePermission = new LambdaPermission(this, 'invoke-permission', {
      statementId: 'AllowApiGatewayInvokePostContact',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.restApi.executionArn}/${settings.stageName}/POST/${settings.resourcePath}`,
    });

    // --- Deployment and stage -------------------------------------------------------------------
    this.deployment = createDeployment(this);
    this.accessLogGroup = createLogGroup(this, 'access-logs', `/aws/apigateway/${apiName}/${settings.stageName}/access`, settings);
    // Execution logging (logging_level ERROR) writes here; API Gateway would make this group itself on the
    // first logged request, with no retention and outside Terraform, so it would outlive a destroy.
    this.executionLogGroup = createLogGroup(this, 'execution-logs', `API-Gateway-Execution-Logs_${this.restApi.id}/${settings.stageName}`, settings);
    if (settings.manageApiGatewayAccount) {
      const shared = sharedApiGatewayAccount(this);
      this.apiGatewayCloudwatchRole = shared.role;
      this.apiGatewayCloudwatchPolicy = shared.policy;
      this.apiGatewayAccount = shared.account;
    }
    this.stage = createStage(this, settings);
    this.webAclAssociation =
      props.webAclArn === undefined
        ? undefined
        : new Wafv2WebAclAssociation(this, 'web-acl-association', { resourceArn: this.stage.arn, webAclArn: props.webAclArn });
    this.methodSettings = createMethodSettings(this, settings);

    // --- Custom domain --------------------------------------------------------------------------
    const domain = props.domainName === undefined ? undefined : createCustomDomain(this, props.domainName, props);
    this.hostedZone = domain?.hostedZone;
    this.certificate = domain?.certificate;
    this.certificateValidationRecords = domain?.validationRecords;
    this.certificateValidation = domain?.validation;
    this.customDomain = domain?.customDomain;
    this.basePathMapping = domain?.basePathMapping;
    this.aliasRecords = domain?.aliasRecords ?? {};
    // Built from the API id, not the stage's URL: the site's CSP needs it, and the stage depends
    // (through the function's allowed origins) on the site's distribution, which would be a cycle.
    this.apiOrigin = domain ? `https://${props.domainName}` : `https://${this.restApi.id}.execute-api.${this.region.region}.amazonaws.com`;

    // --- Notifications --------------------------------------------------------------------------
    this.notifications = settings.notify && new ContactNotifications(this, 'notifications', { notify: settings.notify, table: this.table, settings });

    suppressContactApiRules(this, props, settings);

    // --- Outputs --------------------------------------------------------------------------------
    this.endpointUrl = `${domain ? this.apiOrigin : this.stage.invokeUrl}/${settings.resourcePath}`;
    this.endpointOutput = new TerraformOutput(this, 'endpoint', { value: this.endpointUrl, description: 'The URL the contact form posts to' });
    this.tableNameOutput = new TerraformOutput(this, 'table-name', { value: this.table.name, description: 'DynamoDB table of submissions' });
    this.functionNameOutput = new TerraformOutput(this, 'function-name', { value: this.function.functionName, description: 'Contact handler Lambda function' });
  }
}

// --- The steps, in the order the constructor takes them ----------------------------------------

function createTable(api: Construct, props: ContactApiProps, settings: ContactApiSettings): DynamodbTable {
  return new DynamodbTable(api, 'table', {
    name: regionUniqueName(api, 'submissions', 255),
    billingMode: 'PAY_PER_REQUEST',
    hashKey: 'id',
    attribute: [{ name: 'id', type: 'S' }],
    pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
    serverSideEncryption: { enabled: true, kmsKeyArn: props.tableKmsKeyArn },
    deletionProtectionEnabled: settings.deletionProtection,
    // The notifier reads new items from the stream.
    ...(settings.notify ? { streamEnabled: true, streamViewType: 'NEW_IMAGE' } : {}),
  });
}

function createLogGroup(api: Construct, id: string, name: string, settings: ContactApiSettings): CloudwatchLogGroup {
  return new CloudwatchLogGroup(api, id, { name, retentionInDays: settings.logRetentionDays, kmsKeyId: settings.logsKmsKeyArn });
}

/**
 * IAM names are global: outside us-east-1 the role's name carries the region, unlike the function's. A new
 * name replaces role and policy; creating the new ones first keeps the function's permissions throughout.
 */
function createFunctionRole(api: Construct): IamRole {
  return new IamRole(api, 'function-role', {
    name: accountUniqueName(api, 'handler'),
    description: 'Contact form handler: writes submissions, nothing else',
    assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
    lifecycle: { createBeforeDestroy: true },
  });
}

function createFunction(
  api: ContactApi,
  props: ContactApiProps,
  settings: ContactApiSettings,
  code: { functionName: string; bundle: ContactHandlerBundle },
): LambdaFunction {
  return new LambdaFunction(api, 'function', {
    functionName: code.functionName,
    description: 'Stores contact form submissions',
    role: api.functionRole.arn,
    filename: api.handlerAsset.path,
    sourceCodeHash: code.bundle.sourceCodeHash,
    handler: LAMBDA_HANDLER,
    runtime: settings.runtime,
    architectures: [settings.architecture],
    memorySize: settings.memorySize,
    timeout: settings.timeoutSeconds,
    reservedConcurrentExecutions: props.reservedConcurrency,
    environment: {
      variables: {
        TABLE_NAME: api.table.name,
        ALLOWED_ORIGINS: settings.allowedOrigins.join(','),
        ...(props.thankYouUrl ? { THANK_YOU_URL: props.thankYouUrl } : {}),
        ...(props.requireOrigin ? { REQUIRE_ORIGIN: 'true' } : {}),
      },
    },
    tracingConfig: { mode: settings.tracing ? 'Active' : 'PassThrough' },
    loggingConfig: { logFormat: 'Text', logGroup: api.functionLogGroup.name },
    // The role's permissions must exist before the first invocation, and the log group before Lambda makes its own.
    dependsOn: [api.functionPolicy, api.functionLogGroup],
  });
}

function createDeployment(api: ContactApi): ApiGatewayDeployment {
  const definition: TerraformResource[] = [
    api.contactResource,
    api.postMethod,
    api.postIntegration,
    api.cors.method,
    api.cors.integration,
    api.cors.methodResponse,
    api.cors.integrationResponse,
    ...(api.cors.gatewayResponse4xx ? [api.cors.gatewayResponse4xx] : []),
    ...(api.cors.gatewayResponse5xx ? [api.cors.gatewayResponse5xx] : []),
  ];
  return new ApiGatewayDeployment(api, 'deployment', {
    restApiId: api.restApi.id,
    description: 'Contact API',
    // A new deployment when what it serves changes (in Terraform's values, so a changed reference counts), none otherwise.
    triggers: { redeployment: Fn.sha1(Fn.jsonencode(servedConfiguration(api.contactResource, api.postMethod, api.postIntegration, api.cors))) },
    lifecycle: { createBeforeDestroy: true },
    dependsOn: definition,
  });
}

function createStage(api: ContactApi, settings: ContactApiSettings): ApiGatewayStage {
  const stage = new ApiGatewayStage(api, 'stage', {
    restApiId: api.restApi.id,
    deploymentId: api.deployment.id,
    stageName: settings.stageName,
    xrayTracingEnabled: settings.tracing,
    accessLogSettings: { destinationArn: api.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
    dependsOn: [api.executionLogGroup],
  });
  stageNeedsApiGatewayAccount(stage);
  return stage;
}

function createMethodSettings(api: ContactApi, settings: ContactApiSettings): ApiGatewayMethodSettings {
  return new ApiGatewayMethodSettings(api, 'method-settings', {
    restApiId: api.restApi.id,
    stageName: api.stage.stageName,
    methodPath: '*/*',
    settings: {
      throttlingRateLimit: settings.throttlingRateLimit,
      throttlingBurstLimit: settings.throttlingBurstLimit,
      metricsEnabled: true,
      loggingLevel: 'ERROR',
      // Full request/response logging would write form contents (personal data) to CloudWatch.
      dataTraceEnabled: false,
    },
    dependsOn: [api.executionLogGroup],
  });
}

interface ApiDomain {
  readonly hostedZone?: DataAwsRoute53Zone;
  readonly certificate: AcmCertificate;
  readonly validationRecords: Route53Record;
  readonly validation: AcmCertificateValidation;
  readonly customDomain: ApiGatewayDomainName;
  readonly basePathMapping: ApiGatewayBasePathMapping;
  readonly aliasRecords: Record<string, Route53Record>;
}

/** `domainName` on the stage: a regional certificate (DNS-validated), the custom domain (TLS 1.2), its mapping and alias records. */
function createCustomDomain(api: ContactApi, domainName: string, props: ContactApiProps): ApiDomain {
  const hostedZone = props.hostedZoneId ? undefined : new DataAwsRoute53Zone(api, 'hosted-zone', { name: props.hostedZoneName!, privateZone: false });
  const zoneId = props.hostedZoneId ?? hostedZone!.zoneId;
  const issued = dnsValidatedCertificate(api, { names: [domainName], zoneId });
  const customDomain = new ApiGatewayDomainName(api, 'domain', {
    domainName,
    regionalCertificateArn: issued.validation.certificateArn,
    endpointConfiguration: { types: ['REGIONAL'] },
    securityPolicy: 'TLS_1_2',
  });
  const basePathMapping = new ApiGatewayBasePathMapping(api, 'base-path-mapping', {
    apiId: api.restApi.id,
    stageName: api.stage.stageName,
    domainName: customDomain.domainName,
  });
  return {
    hostedZone,
    certificate: issued.certificate,
    validationRecords: issued.validationRecords,
    validation: issued.validation,
    customDomain,
    basePathMapping,
    aliasRecords: aliasRecords(api, {
      names: [domainName],
      zoneId,
      targetDomainName: customDomain.regionalDomainName,
      targetZoneId: customDomain.regionalZoneId,
    }),
  };
}
