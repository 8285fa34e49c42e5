import { AssetType, Fn, TerraformAsset, TerraformOutput, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { ApiGatewayBasePathMapping } from '@cdktf/provider-aws/lib/api-gateway-base-path-mapping';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayDomainName } from '@cdktf/provider-aws/lib/api-gateway-domain-name';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { bundleContactHandler, LAMBDA_HANDLER, LAMBDA_RUNTIME } from '../handlers/bundle';
import { CorsPreflight } from './cors-preflight';
import { sharedApiGatewayAccount, stageNeedsApiGatewayAccount } from './internal/api-gateway-account';
import { aliasRecords, dnsValidatedCertificate } from './internal/certificate';
import { validateOrigins } from './internal/cors';
import { accountUniqueName, regionUniqueName } from './internal/names';
import { suppressRule } from './internal/suppressions';
import { checkDomainName, isConcrete, isInZone, PropError } from './internal/validate';

/** Lambda runtimes the bundled handler is built and tested for. */
export const CONTACT_API_RUNTIMES = ['nodejs22.x', 'nodejs24.x'] as const;
export type ContactApiRuntime = (typeof CONTACT_API_RUNTIMES)[number];

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export interface ContactApiProps {
  /**
   * Origins (`https://host[:port]`) whose pages may post to the API: the CORS allowlist of the
   * preflight, the gateway error responses and the handler. Typically `StaticSite.origins`.
   */
  readonly allowedOrigins: string[];

  /** Refuse requests that carry no `Origin` header (non-browser clients). @default false */
  readonly requireOrigin?: boolean;

  /**
   * Where a plain HTML form (no JavaScript) is sent with `303` after a successful post: an
   * absolute URL, or a path resolved against the posting page's allowed origin.
   * @default "/thank-you.html"
   */
  readonly thankYouUrl?: string;

  /** Path segment of the contact resource. @default "contact" */
  readonly resourcePath?: string;

  /** Name of the API Gateway stage. @default "prod" */
  readonly stageName?: string;

  /** Steady-state requests per second the stage accepts before answering 429. @default 10 */
  readonly throttlingRateLimit?: number;

  /** Requests the stage accepts in a burst. @default 20 */
  readonly throttlingBurstLimit?: number;

  /** Days to keep the function's logs and the API's access and execution logs; a value CloudWatch accepts. @default 30 */
  readonly logRetentionDays?: number;

  /** Lambda memory in MB (128..10240); more memory also means more CPU. @default 256 */
  readonly memorySize?: number;

  /** Lambda timeout in seconds (1..28, below API Gateway's 29 s integration limit). @default 10 */
  readonly timeoutSeconds?: number;

  /** Lambda architecture. @default "arm64" */
  readonly architecture?: 'arm64' | 'x86_64';

  /** Lambda runtime. @default "nodejs24.x" */
  readonly runtime?: ContactApiRuntime;

  /**
   * Concurrent executions reserved for (and capping) the function. New accounts have a limit of
   * 10 and cannot reserve any, so there is none by default: the stage throttling caps the load.
   * @default none
   */
  readonly reservedConcurrency?: number;

  /** X-Ray tracing on the function and the stage. @default true */
  readonly tracing?: boolean;

  /** Point-in-time recovery (35 days of restorable history) on the table. @default true */
  readonly pointInTimeRecovery?: boolean;

  /** Refuse to delete the table (terraform destroy fails until this is turned off). @default true */
  readonly deletionProtection?: boolean;

  /**
   * Manage the region's account-wide API Gateway CloudWatch role (`aws_api_gateway_account`),
   * which stage access logs need. Turn off where another stack or a landing zone sets it.
   * Several `ContactApi`s in one stack share one setting: the first that manages it makes it, the
   * others reuse it. Destroying it resets that setting for the whole region (AWS provider 6).
   * @default true
   */
  readonly manageApiGatewayAccount?: boolean;

  /**
   * Add CORS headers to the API's `DEFAULT_4XX`/`DEFAULT_5XX` gateway responses, so throttling and
   * gateway errors reach the page as readable errors instead of CORS failures.
   * @default true
   */
  readonly corsGatewayResponses?: boolean;

  /**
   * Custom domain for the API, e.g. `api.example.com`, with a regional ACM certificate validated
   * in `hostedZoneId`/`hostedZoneName` and `A`/`AAAA` alias records.
   * @default none: the `execute-api` URL
   */
  readonly domainName?: string;
  /** Route 53 zone of `domainName`, by id. @default looked up by `hostedZoneName` */
  readonly hostedZoneId?: string;
  /** Route 53 zone of `domainName`, by name. @default none */
  readonly hostedZoneName?: string;

  /**
   * ARN of an existing AWS WAFv2 web ACL to associate with the stage. API Gateway takes
   * `REGIONAL`-scope ACLs in the API's own region: `arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`.
   * @default none: no WAF (a by-design suppression of CKV2_AWS_29 / AwsSolutions-APIG3 is recorded)
   */
  readonly webAclArn?: string;

  /**
   * ARN of a customer managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`, in the table's
   * region) to encrypt the table with, instead of the AWS managed key `aws/dynamodb`. The function
   * is granted `kms:Decrypt` on that key only, and only through DynamoDB (`kms:ViaService`), which
   * is what DynamoDB needs from the caller to use the table key; the key policy must allow it too
   * (the default key policy delegates to IAM).
   * @default none: the AWS managed key (a by-design suppression of CKV_AWS_119 is recorded)
   */
  readonly tableKmsKeyArn?: string;
}

const CONSTRUCT = 'ContactApi';

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
  public readonly table: DynamodbTable;
  public readonly handlerAsset: TerraformAsset;
  /** Base64 SHA-256 of the handler zip (the function's `source_code_hash`). */
  public readonly handlerSourceCodeHash: string;
  public readonly functionLogGroup: CloudwatchLogGroup;
  public readonly functionRole: IamRole;
  public readonly functionPolicyDocument: DataAwsIamPolicyDocument;
  public readonly functionPolicy: IamRolePolicy;
  public readonly function: LambdaFunction;
  public readonly restApi: ApiGatewayRestApi;
  public readonly contactResource: ApiGatewayResource;
  public readonly postMethod: ApiGatewayMethod;
  public readonly postIntegration: ApiGatewayIntegration;
  public readonly cors: CorsPreflight;
  public readonly invokePermission: LambdaPermission;
  public readonly deployment: ApiGatewayDeployment;
  public readonly accessLogGroup: CloudwatchLogGroup;
  /**
   * `API-Gateway-Execution-Logs_<rest api id>/<stage name>`, where API Gateway writes the stage's execution logs
   * (`logging_level` `ERROR`), with `logRetentionDays`. Made before the stage and its method settings, so that
   * API Gateway does not make it first (without retention, and left behind on destroy).
   */
  public readonly executionLogGroup: CloudwatchLogGroup;
  public readonly stage: ApiGatewayStage;
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
  /** With `domainName`. */
  public readonly hostedZone?: DataAwsRoute53Zone;
  public readonly certificate?: AcmCertificate;
  public readonly certificateValidationRecords?: Route53Record;
  public readonly certificateValidation?: AcmCertificateValidation;
  public readonly customDomain?: ApiGatewayDomainName;
  public readonly basePathMapping?: ApiGatewayBasePathMapping;
  public readonly aliasRecords: Record<string, Route53Record>;
  public readonly endpointOutput: TerraformOutput;
  public readonly tableNameOutput: TerraformOutput;
  public readonly functionNameOutput: TerraformOutput;

  /** The URL the form posts to. */
  public readonly endpointUrl: string;
  /** `https://host` of the API, for the site's Content-Security-Policy. */
  public readonly apiOrigin: string;
  /** The validated CORS allowlist. */
  public readonly allowedOrigins: string[];

  constructor(scope: Construct, id: string, props: ContactApiProps) {
    super(scope, id);
    const settings = checkProps(props);
    this.allowedOrigins = validateOrigins(props.allowedOrigins, `${CONSTRUCT}: allowedOrigins`);
    const functionName = regionUniqueName(this, 'handler');
    const apiName = regionUniqueName(this, 'api', 128);

    // --- Table ----------------------------------------------------------------------------------
    this.table = new DynamodbTable(this, 'table', {
      name: regionUniqueName(this, 'submissions', 255),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.tableKmsKeyArn },
      deletionProtectionEnabled: settings.deletionProtection,
    });
    if (props.tableKmsKeyArn === undefined) {
      suppressRule(
        this.table,
        'CKV_AWS_119',
        'No tableKmsKeyArn: the table is encrypted at rest with the AWS managed key aws/dynamodb. A customer managed key adds key-policy control and ' +
          'per-use CloudTrail records at $1 a month plus requests; pass tableKmsKeyArn to use one.',
      );
    }
    // The region of the stack's provider: for the kms:ViaService condition and the API's URL.
    this.region = new DataAwsRegion(this, 'region');

    // --- Function -------------------------------------------------------------------------------
    const bundle = bundleContactHandler();
    this.handlerSourceCodeHash = bundle.sourceCodeHash;
    this.handlerAsset = new TerraformAsset(this, 'handler-zip', { path: bundle.zipPath, type: AssetType.FILE });
    this.functionLogGroup = new CloudwatchLogGroup(this, 'function-logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: settings.logRetentionDays,
    });
    // IAM names are global: outside us-east-1 the role's name carries the region, unlike the function's. A new
    // name replaces role and policy; creating the new ones first keeps the function's permissions throughout.
    this.functionRole = new IamRole(this, 'function-role', {
      name: accountUniqueName(this, 'handler'),
      description: 'Contact form handler: writes submissions, nothing else',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      lifecycle: { createBeforeDestroy: true },
    });
    const logActions = ['logs:CreateLogStream', 'logs:PutLogEvents'];
    const logStreams = `${this.functionLogGroup.arn}:*`;
    const traceActions = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      // PutItem stores; GetItem reads back an existing id when a retried submission's conditional put
      // fails without returning the old item, so the retry gets the same answer (handlers/contact/store.ts).
      { sid: 'StoreSubmissions', effect: 'Allow', actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [this.table.arn] },
      {
        sid: 'WriteOwnLogs',
        effect: 'Allow',
        actions: logActions,
        // Log stream names are made per execution environment, so they are matched within this one log group.
        resources: [logStreams],
      },
    ];
    if (props.tableKmsKeyArn !== undefined) {
      statements.push({
        // DynamoDB decrypts the table key with the caller's permissions (cached for a few minutes per caller).
        sid: 'UseTableKey',
        effect: 'Allow',
        actions: ['kms:Decrypt'],
        resources: [props.tableKmsKeyArn],
        condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${this.region.region}.amazonaws.com`] }],
      });
    }
    if (settings.tracing) {
      statements.push({
        // X-Ray's write actions support no resource-level permissions: "*" is the only valid resource.
        sid: 'SendTraces',
        effect: 'Allow',
        actions: traceActions,
        resources: ['*'],
      });
    }
    this.functionPolicyDocument = new DataAwsIamPolicyDocument(this, 'function-policy-document', { statement: statements });
    this.functionPolicy = new IamRolePolicy(this, 'function-policy', {
      name: 'contact-handler',
      role: this.functionRole.id,
      policy: this.functionPolicyDocument.json,
      lifecycle: { createBeforeDestroy: true },
    });
    suppressRule(
      this.functionPolicy,
      'AwsSolutions-IAM5',
      "logs:CreateLogStream and logs:PutLogEvents are limited to this function's own log group; its streams are named per execution environment " +
        "at run time, so they can only be matched with \":*\" inside that group." +
        (settings.tracing ? ' X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so "*" is their only valid resource.' : ''),
      {
        appliesTo: [
          ...logActions.map((action) => `Resource::${logStreams} for ${action}`),
          ...(settings.tracing ? traceActions.map((action) => `Resource::* for ${action}`) : []),
        ],
      },
    );
    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: 'Stores contact form submissions',
      role: this.functionRole.arn,
      filename: this.handlerAsset.path,
      sourceCodeHash: bundle.sourceCodeHash,
      handler: LAMBDA_HANDLER,
      runtime: settings.runtime,
      architectures: [settings.architecture],
      memorySize: settings.memorySize,
      timeout: settings.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        variables: {
          TABLE_NAME: this.table.name,
          ALLOWED_ORIGINS: this.allowedOrigins.join(','),
          ...(props.thankYouUrl ? { THANK_YOU_URL: props.thankYouUrl } : {}),
          ...(props.requireOrigin ? { REQUIRE_ORIGIN: 'true' } : {}),
        },
      },
      tracingConfig: { mode: settings.tracing ? 'Active' : 'PassThrough' },
      loggingConfig: { logFormat: 'Text', logGroup: this.functionLogGroup.name },
      // The role's permissions must exist before the first invocation, and the log group before Lambda makes its own.
      dependsOn: [this.functionPolicy, this.functionLogGroup],
    });
    suppressFunctionRules(this.function, props, settings);

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
    const openReason =
      'POST /contact is a public contact form: its callers are anonymous visitors, so there is no identity to authorize, and an API key in the ' +
      `page's JavaScript would be public. Abuse is bounded by stage throttling (${settings.throttlingRateLimit} rps, burst ${settings.throttlingBurstLimit}), ` +
      'the CORS allowlist, body validation and size limits in the handler, and a function that may only PutItem.';
    for (const rule of ['CKV_AWS_59', 'AwsSolutions-APIG4', 'AwsSolutions-COG4']) suppressRule(this.postMethod, rule, openReason);
    suppressRule(
      this.postMethod,
      'CKV2_AWS_53',
      'The body is validated by the handler, which reads JSON and three form encodings and answers every problem as a 4xx JSON error with CORS ' +
        'headers, naming the field; an API Gateway request validator checks JSON models only, and would reject form posts with its own answer.',
    );
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
    const definition: TerraformResource[] = [
      this.restApi,
      this.contactResource,
      this.postMethod,
      this.postIntegration,
      this.cors.method,
      this.cors.integration,
      this.cors.methodResponse,
      this.cors.integrationResponse,
      ...(this.cors.gatewayResponse4xx ? [this.cors.gatewayResponse4xx] : []),
      ...(this.cors.gatewayResponse5xx ? [this.cors.gatewayResponse5xx] : []),
    ];
    this.deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: this.restApi.id,
      description: 'Contact API',
      // A new deployment when what it serves changes (in Terraform's values, so a changed reference counts), none otherwise.
      triggers: { redeployment: Fn.sha1(Fn.jsonencode(servedConfiguration(this.contactResource, this.postMethod, this.postIntegration, this.cors))) },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: definition.filter((element) => element !== this.restApi),
    });
    this.accessLogGroup = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${apiName}/${settings.stageName}/access`,
      retentionInDays: settings.logRetentionDays,
    });
    // Execution logging (logging_level ERROR) writes here; API Gateway would make this group itself on the
    // first logged request, with no retention and outside Terraform, so it would outlive a destroy.
    this.executionLogGroup = new CloudwatchLogGroup(this, 'execution-logs', {
      name: `API-Gateway-Execution-Logs_${this.restApi.id}/${settings.stageName}`,
      retentionInDays: settings.logRetentionDays,
    });
    if (settings.manageApiGatewayAccount) {
      const shared = sharedApiGatewayAccount(this);
      this.apiGatewayCloudwatchRole = shared.role;
      this.apiGatewayCloudwatchPolicy = shared.policy;
      this.apiGatewayAccount = shared.account;
    }
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId: this.restApi.id,
      deploymentId: this.deployment.id,
      stageName: settings.stageName,
      xrayTracingEnabled: settings.tracing,
      accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [this.executionLogGroup],
    });
    stageNeedsApiGatewayAccount(this.stage);
    if (props.webAclArn !== undefined) {
      this.webAclAssociation = new Wafv2WebAclAssociation(this, 'web-acl-association', {
        resourceArn: this.stage.arn,
        webAclArn: props.webAclArn,
      });
    } else {
      const reason =
        'WAF is opt-in (webAclArn): a web ACL costs from $5 a month plus rules and requests. Without one the stage throttles to ' +
        `${settings.throttlingRateLimit} rps (burst ${settings.throttlingBurstLimit}), and the handler validates and size-limits every body. ` +
        'Pass webAclArn (a REGIONAL web ACL) to attach one.';
      suppressRule(this.stage, 'CKV2_AWS_29', reason);
      suppressRule(this.stage, 'AwsSolutions-APIG3', reason);
    }
    this.methodSettings = new ApiGatewayMethodSettings(this, 'method-settings', {
      restApiId: this.restApi.id,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: {
        throttlingRateLimit: settings.throttlingRateLimit,
        throttlingBurstLimit: settings.throttlingBurstLimit,
        metricsEnabled: true,
        loggingLevel: 'ERROR',
        // Full request/response logging would write form contents (personal data) to CloudWatch.
        dataTraceEnabled: false,
      },
      dependsOn: [this.executionLogGroup],
    });
    suppressStageRules(this, props);

    // --- Custom domain --------------------------------------------------------------------------
    this.aliasRecords = {};
    let baseUrl = this.stage.invokeUrl;
    // Built from the API id, not the stage's URL: the site's CSP needs it, and the stage depends
    // (through the function's allowed origins) on the site's distribution, which would be a cycle.
    this.apiOrigin = `https://${this.restApi.id}.execute-api.${this.region.region}.amazonaws.com`;
    if (props.domainName) {
      let zoneId = props.hostedZoneId;
      if (!zoneId) {
        this.hostedZone = new DataAwsRoute53Zone(this, 'hosted-zone', { name: props.hostedZoneName!, privateZone: false });
        zoneId = this.hostedZone.zoneId;
      }
      const issued = dnsValidatedCertificate(this, { names: [props.domainName], zoneId });
      this.certificate = issued.certificate;
      this.certificateValidationRecords = issued.validationRecords;
      this.certificateValidation = issued.validation;
      this.customDomain = new ApiGatewayDomainName(this, 'domain', {
        domainName: props.domainName,
        regionalCertificateArn: issued.validation.certificateArn,
        endpointConfiguration: { types: ['REGIONAL'] },
        securityPolicy: 'TLS_1_2',
      });
      this.basePathMapping = new ApiGatewayBasePathMapping(this, 'base-path-mapping', {
        apiId: this.restApi.id,
        stageName: this.stage.stageName,
        domainName: this.customDomain.domainName,
      });
      this.aliasRecords = aliasRecords(this, {
        names: [props.domainName],
        zoneId,
        targetDomainName: this.customDomain.regionalDomainName,
        targetZoneId: this.customDomain.regionalZoneId,
      });
      baseUrl = `https://${props.domainName}`;
      this.apiOrigin = baseUrl;
    }

    // --- Outputs --------------------------------------------------------------------------------
    this.endpointUrl = `${baseUrl}/${settings.resourcePath}`;
    this.endpointOutput = new TerraformOutput(this, 'endpoint', { value: this.endpointUrl, description: 'The URL the contact form posts to' });
    this.tableNameOutput = new TerraformOutput(this, 'table-name', { value: this.table.name, description: 'DynamoDB table of submissions' });
    this.functionNameOutput = new TerraformOutput(this, 'function-name', { value: this.function.functionName, description: 'Contact handler Lambda function' });
  }
}

/** The stage, method settings and log group rules that do not hold by design, with the reasons (see checks/). */
function suppressStageRules(api: ContactApi, props: ContactApiProps): void {
  const noCache = 'Every request is a POST of a new message (or its preflight): nothing may be answered from a cache, and a cache cluster costs from $14 a month.';
  suppressRule(api.stage, 'CKV_AWS_120', noCache);
  suppressRule(api.methodSettings, 'CKV_AWS_225', noCache);
  suppressRule(
    api.stage,
    'CKV2_AWS_51',
    "The callers are visitors' browsers, which cannot present a client certificate; the backend is a Lambda proxy integration, which needs none.",
  );
  if (props.webAclArn !== undefined) {
    suppressRule(
      api.stage,
      'CKV2_AWS_77',
      "The web ACL is passed by ARN (webAclArn) and its rules are its owner's; this stack cannot see them. Include AWSManagedRulesKnownBadInputsRuleSet (Log4j) in it.",
    );
  }
  for (const logGroup of [api.functionLogGroup, api.accessLogGroup, api.executionLogGroup]) {
    suppressRule(
      logGroup,
      'CKV_AWS_158',
      'CloudWatch Logs encrypts every log group at rest; a customer managed key adds a key policy for the logs service and $1 a month. The logs hold ' +
        'request metadata, ids and outcomes, never the message or its sender (see ACCESS_LOG_FORMAT and the handler).',
    );
    if (logGroup.retentionInDaysInput !== undefined && logGroup.retentionInDaysInput < 365) {
      suppressRule(
        logGroup,
        'CKV_AWS_338',
        `Kept ${logGroup.retentionInDaysInput} days (logRetentionDays): the access logs hold visitors' IP addresses, personal data kept no longer than needed ` +
          'to investigate a problem. Set logRetentionDays to 365 or more where a policy asks for a year.',
      );
    }
  }
}

/** The function rules that do not hold by design, with the reasons (see checks/). */
function suppressFunctionRules(fn: LambdaFunction, props: ContactApiProps, settings: ContactApiSettings): void {
  suppressRule(
    fn,
    'CKV_AWS_116',
    'API Gateway invokes the function synchronously (AWS_PROXY); a dead-letter queue only receives failed asynchronous invocations, so it would never ' +
      'be used. A failure is answered to the caller and logged.',
  );
  suppressRule(
    fn,
    'CKV_AWS_117',
    'The function reaches only the public DynamoDB, CloudWatch Logs and X-Ray endpoints (TLS, IAM-signed) and no private resource; a VPC would add ' +
      'NAT or VPC endpoints and their cost with nothing to protect.',
  );
  suppressRule(
    fn,
    'CKV_AWS_173',
    'The environment holds only non-secret configuration (TABLE_NAME, ALLOWED_ORIGINS, THANK_YOU_URL, REQUIRE_ORIGIN), encrypted at rest by Lambda ' +
      'with its AWS managed key; a customer managed key is for secrets, and there are none (CKV_AWS_45 checks).',
  );
  suppressRule(
    fn,
    'CKV_AWS_272',
    'The zip is built by this deploy from the source in the same commit (esbuild, deterministic) and pinned by source_code_hash in the plan; ' +
      'code signing guards against a zip swapped between a separate build and deploy, which this pipeline does not have.',
  );
  if (props.reservedConcurrency === undefined) {
    suppressRule(
      fn,
      'CKV_AWS_115',
      'No reservedConcurrency: new accounts have a concurrency limit of 10 and cannot reserve any, and the stage throttling ' +
        `(${settings.throttlingRateLimit} rps, burst ${settings.throttlingBurstLimit}) already caps the load. Set reservedConcurrency to cap the function itself.`,
    );
  }
}

/** One JSON line per request; no request or response bodies (they hold personal data). */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  errorMessage: '$context.error.message',
  errorType: '$context.error.responseType',
});

/**
 * What a deployment of the API serves, as Terraform values: every route's resource, method, integration and
 * response by id (a replaced one gets a new id) and the values that can change in place (authorization, the
 * integration's uri, the CORS header mappings and template, the gateway responses). The deployment's trigger is
 * its hash, as the provider's docs recommend: a value that is a reference (such as an allowed origin that is a
 * distribution's domain) redeploys when the referenced value changes, which a hash of the synthesized text misses.
 * Only attributes these resources set: one left unset (an authorizer id, gateway response templates) is null in
 * the state after create and "" or {} after the first refresh, so the hash would change with nothing changed.
 */
function servedConfiguration(
  resource: ApiGatewayResource,
  post: ApiGatewayMethod,
  postIntegration: ApiGatewayIntegration,
  cors: CorsPreflight,
): unknown[] {
  const gatewayResponses = [cors.gatewayResponse4xx, cors.gatewayResponse5xx].filter((r): r is ApiGatewayGatewayResponse => r !== undefined);
  // [the attribute's value, the value configured for it]: listed only when configured.
  const ifSet = (...pairs: [unknown, unknown][]): unknown[] => pairs.filter(([, input]) => input !== undefined).map(([value]) => value);
  return [
    resource.id,
    post.id,
    postIntegration.id,
    cors.method.id,
    cors.integration.id,
    cors.methodResponse.id,
    cors.integrationResponse.id,
    ...gatewayResponses.map((response) => response.id),
    ...ifSet(
      [resource.pathPart, resource.pathPartInput],
      [post.authorization, post.authorizationInput],
      [post.apiKeyRequired, post.apiKeyRequiredInput],
      [postIntegration.type, postIntegration.typeInput],
      [postIntegration.integrationHttpMethod, postIntegration.integrationHttpMethodInput],
      [postIntegration.uri, postIntegration.uriInput],
      [cors.method.authorization, cors.method.authorizationInput],
      [cors.method.apiKeyRequired, cors.method.apiKeyRequiredInput],
      [cors.integration.type, cors.integration.typeInput],
      [cors.integration.requestTemplates, cors.integration.requestTemplatesInput],
      [cors.methodResponse.statusCode, cors.methodResponse.statusCodeInput],
      [cors.methodResponse.responseParameters, cors.methodResponse.responseParametersInput],
      [cors.integrationResponse.statusCode, cors.integrationResponse.statusCodeInput],
      [cors.integrationResponse.responseParameters, cors.integrationResponse.responseParametersInput],
      [cors.integrationResponse.responseTemplates, cors.integrationResponse.responseTemplatesInput],
      ...gatewayResponses.map((response): [unknown, unknown] => [response.responseParameters, response.responseParametersInput]),
    ),
  ];
}

interface ContactApiSettings {
  resourcePath: string;
  stageName: string;
  throttlingRateLimit: number;
  throttlingBurstLimit: number;
  logRetentionDays: number;
  memorySize: number;
  timeoutSeconds: number;
  architecture: 'arm64' | 'x86_64';
  runtime: ContactApiRuntime;
  tracing: boolean;
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
  manageApiGatewayAccount: boolean;
  corsGatewayResponses: boolean;
}

function checkProps(props: ContactApiProps): ContactApiSettings {
  const settings: ContactApiSettings = {
    resourcePath: props.resourcePath ?? 'contact',
    stageName: props.stageName ?? 'prod',
    throttlingRateLimit: props.throttlingRateLimit ?? 10,
    throttlingBurstLimit: props.throttlingBurstLimit ?? 20,
    logRetentionDays: props.logRetentionDays ?? 30,
    memorySize: props.memorySize ?? 256,
    timeoutSeconds: props.timeoutSeconds ?? 10,
    architecture: props.architecture ?? 'arm64',
    runtime: props.runtime ?? (LAMBDA_RUNTIME as ContactApiRuntime),
    tracing: props.tracing ?? true,
    pointInTimeRecovery: props.pointInTimeRecovery ?? true,
    deletionProtection: props.deletionProtection ?? true,
    manageApiGatewayAccount: props.manageApiGatewayAccount ?? true,
    corsGatewayResponses: props.corsGatewayResponses ?? true,
  };
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(settings.resourcePath) || settings.resourcePath.startsWith('{')) {
    throw new PropError(CONSTRUCT, 'resourcePath', `"${settings.resourcePath}" must be one path segment such as "contact" (no "/")`);
  }
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(settings.stageName)) {
    throw new PropError(CONSTRUCT, 'stageName', `"${settings.stageName}" may only hold letters, digits, "-" and "_"`);
  }
  const positive = (prop: string, value: number, max: number, integer: boolean): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
      throw new PropError(CONSTRUCT, prop, `must be a${integer ? 'n integer' : ' number'} above 0 and at most ${max}, got ${String(value)}`);
    }
  };
  positive('throttlingRateLimit', settings.throttlingRateLimit, 10_000, false);
  positive('throttlingBurstLimit', settings.throttlingBurstLimit, 5_000, true);
  if (settings.throttlingBurstLimit < settings.throttlingRateLimit) {
    // A burst below the rate would cap the rate at the burst.
    throw new PropError(CONSTRUCT, 'throttlingBurstLimit', `(${settings.throttlingBurstLimit}) must be at least throttlingRateLimit (${settings.throttlingRateLimit})`);
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(settings.logRetentionDays)) {
    throw new PropError(CONSTRUCT, 'logRetentionDays', `${String(settings.logRetentionDays)} is not a CloudWatch retention period (${LOG_RETENTION_DAYS.join(', ')})`);
  }
  if (!Number.isInteger(settings.memorySize) || settings.memorySize < 128 || settings.memorySize > 10_240) {
    throw new PropError(CONSTRUCT, 'memorySize', `must be an integer number of MB from 128 to 10240, got ${String(settings.memorySize)}`);
  }
  if (!Number.isInteger(settings.timeoutSeconds) || settings.timeoutSeconds < 1 || settings.timeoutSeconds > 28) {
    throw new PropError(CONSTRUCT, 'timeoutSeconds', `must be an integer from 1 to 28 (API Gateway gives up after 29 s), got ${String(settings.timeoutSeconds)}`);
  }
  if (settings.architecture !== 'arm64' && settings.architecture !== 'x86_64') {
    throw new PropError(CONSTRUCT, 'architecture', `"${String(settings.architecture)}" is not "arm64" or "x86_64"`);
  }
  if (!(CONTACT_API_RUNTIMES as readonly string[]).includes(settings.runtime)) {
    throw new PropError(CONSTRUCT, 'runtime', `"${String(settings.runtime)}" is not one of ${CONTACT_API_RUNTIMES.join(', ')} (the handler is built for Node.js 22+)`);
  }
  if (props.reservedConcurrency !== undefined) positive('reservedConcurrency', props.reservedConcurrency, 10_000, true);
  if (props.thankYouUrl !== undefined && isConcrete(props.thankYouUrl) && !/^(https?:\/\/[^\s]+|\/(?!\/)[^\s]*)$/.test(props.thankYouUrl)) {
    throw new PropError(CONSTRUCT, 'thankYouUrl', `"${props.thankYouUrl}" must be an absolute http(s) URL or a path starting with "/"`);
  }
  if (props.webAclArn !== undefined && isConcrete(props.webAclArn)) {
    const parts = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):(\d{12}):(global|regional)\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]{1,128}$/.exec(props.webAclArn);
    if (!parts) {
      throw new PropError(CONSTRUCT, 'webAclArn', `"${props.webAclArn}" is not a WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)`);
    }
    if (parts[3] === 'global') {
      throw new PropError(CONSTRUCT, 'webAclArn', `"${props.webAclArn}" is a CLOUDFRONT-scope (global) web ACL; an API Gateway stage needs a REGIONAL one in the API's region`);
    }
  }
  if (props.tableKmsKeyArn !== undefined && isConcrete(props.tableKmsKeyArn) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/.test(props.tableKmsKeyArn)) {
    throw new PropError(CONSTRUCT, 'tableKmsKeyArn', `"${props.tableKmsKeyArn}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not a key id or an alias, which IAM cannot scope the grant to)`);
  }
  if (props.domainName === undefined) {
    for (const prop of ['hostedZoneId', 'hostedZoneName'] as const) {
      if (props[prop] !== undefined) throw new PropError(CONSTRUCT, prop, 'needs domainName');
    }
  } else {
    checkDomainName(CONSTRUCT, 'domainName', props.domainName);
    if ((props.hostedZoneId === undefined) === (props.hostedZoneName === undefined)) {
      throw new PropError(CONSTRUCT, 'hostedZoneId', `or hostedZoneName (exactly one) is required with domainName "${props.domainName}"`);
    }
    if (isConcrete(props.hostedZoneName) && isConcrete(props.domainName) && !isInZone(props.domainName, props.hostedZoneName)) {
      throw new PropError(CONSTRUCT, 'domainName', `"${props.domainName}" is not in hosted zone "${props.hostedZoneName}"`);
    }
  }
  return settings;
}
