/** API Gateway REST API rules (stages, method settings, deployments, methods). */
import { fail, pass, Rule, sameCheck, show } from '../rule';
import { ResourceView, StackView } from '../stack-view';

const STAGE = ['aws_api_gateway_stage'];

/** The `aws_api_gateway_method_settings` of a stage: same REST API, and the stage by reference or by name. */
export function methodSettingsOf(stack: StackView, stage: ResourceView): ResourceView[] {
  return stack
    .ofType('aws_api_gateway_method_settings')
    .filter(
      (s) =>
        s.body.rest_api_id === stage.body.rest_api_id &&
        (stack.refersTo(s.body.stage_name, stage) || (typeof stage.body.stage_name === 'string' && s.body.stage_name === stage.body.stage_name)),
    );
}

/** CKV_AWS_76 / AwsSolutions-APIG1: access logs. */
export const stageAccessLogging: Rule[] = sameCheck(
  [
    { id: 'CKV_AWS_76', ruleSet: 'checkov' },
    { id: 'AwsSolutions-APIG1', ruleSet: 'cdk-nag' },
  ],
  'API Gateway stage writes access logs (access_log_settings.destination_arn)',
  STAGE,
  (stage) => {
    const destination = stage.get('access_log_settings.destination_arn');
    const format = stage.get('access_log_settings.format');
    if (typeof destination !== 'string' || destination === '') return fail('access_log_settings.destination_arn is not set');
    if (typeof format !== 'string' || format === '') return fail('access_log_settings.format is not set');
    return pass(`access_log_settings.destination_arn = ${show(destination)}`);
  },
);

/** CKV_AWS_73: X-Ray tracing on the stage. */
export const stageXray: Rule = {
  id: 'CKV_AWS_73',
  ruleSet: 'checkov',
  title: 'API Gateway stage has X-Ray tracing enabled (xray_tracing_enabled)',
  resourceTypes: STAGE,
  check: (stage) =>
    stage.body.xray_tracing_enabled === true ? pass('xray_tracing_enabled = true') : fail(`xray_tracing_enabled is ${show(stage.body.xray_tracing_enabled)}`),
};

/**
 * CONTACT-APIGW-THROTTLE: the whole stage (`*\/*`) has a rate and a burst limit, so a flood of
 * requests is answered 429 by API Gateway instead of reaching the function and the table (AWS's
 * account-level default of 10,000 rps is not a limit for a contact form).
 */
export const stageThrottling: Rule = {
  id: 'CONTACT-APIGW-THROTTLE',
  ruleSet: 'project',
  title: 'API Gateway stage has throttling set for all methods (method_settings "*/*" with rate and burst limits)',
  resourceTypes: STAGE,
  check: (stage, stack) => {
    const settings = methodSettingsOf(stack, stage);
    const all = settings.find((s) => s.body.method_path === '*/*');
    if (!all) {
      return fail(
        settings.length === 0
          ? 'no aws_api_gateway_method_settings for this stage'
          : `method settings ${settings.map((s) => s.address).join(', ')} exist but none with method_path "*/*"`,
      );
    }
    const rate = all.get('settings.throttling_rate_limit');
    const burst = all.get('settings.throttling_burst_limit');
    if (typeof rate !== 'number' || rate <= 0) return fail(`${all.address} settings.throttling_rate_limit is ${show(rate)}; it must be above 0`);
    if (typeof burst !== 'number' || burst <= 0) return fail(`${all.address} settings.throttling_burst_limit is ${show(burst)}; it must be above 0`);
    return pass(`${all.address} limits "*/*" to ${rate} rps, burst ${burst}`);
  },
};

/** CKV_AWS_276: full request/response logging (data trace) is off. */
export const dataTraceOff: Rule = {
  id: 'CKV_AWS_276',
  ruleSet: 'checkov',
  title: 'API Gateway method settings do not log full requests and responses (data_trace_enabled false)',
  resourceTypes: ['aws_api_gateway_method_settings'],
  check: (settings) => {
    const trace = settings.get('settings.data_trace_enabled');
    return trace === true
      ? fail('settings.data_trace_enabled = true: request and response bodies (personal data) go to CloudWatch')
      : pass(`settings.data_trace_enabled is ${show(trace)}`);
  },
};

/** A rule that `lifecycle.create_before_destroy` is true on `type`; `consequence` says what a replacement would do without it. */
function createBeforeDestroyRule(id: string, type: string, title: string, consequence: string): Rule {
  return {
    id,
    ruleSet: 'checkov',
    title,
    resourceTypes: [type],
    check: (resource) => {
      const value = resource.get('lifecycle.create_before_destroy');
      return value === true ? pass('lifecycle.create_before_destroy = true') : fail(`lifecycle.create_before_destroy is ${show(value)}: ${consequence}`);
    },
  };
}

/** CKV_AWS_217: a replaced deployment is created before the old one is destroyed. */
export const deploymentCreateBeforeDestroy = createBeforeDestroyRule(
  'CKV_AWS_217',
  'aws_api_gateway_deployment',
  'API Gateway deployment has lifecycle create_before_destroy = true',
  'replacing the deployment would delete the one the stage uses first',
);

/** CKV_AWS_237: a replaced REST API is created before the old one is destroyed. */
export const restApiCreateBeforeDestroy = createBeforeDestroyRule(
  'CKV_AWS_237',
  'aws_api_gateway_rest_api',
  'API Gateway REST API has lifecycle create_before_destroy = true',
  'replacing the API would delete the one clients call before the new one exists',
);

/** CKV_AWS_59: no method is open without authorization or an API key (preflights excepted, as upstream does). */
export const methodNotOpen: Rule = {
  id: 'CKV_AWS_59',
  ruleSet: 'checkov',
  title: 'API Gateway method has an authorizer or requires an API key (OPTIONS preflights excepted)',
  resourceTypes: ['aws_api_gateway_method'],
  check: (method) => {
    const { http_method: verb, authorization, api_key_required: apiKey } = method.body;
    if (verb === 'OPTIONS') return pass('OPTIONS (CORS preflight) is exempt: browsers send preflights without credentials');
    if (authorization === undefined) return fail('authorization is not set');
    if (authorization === 'NONE' && apiKey !== true)
      return fail(`${String(verb)} has authorization "NONE" and api_key_required ${show(apiKey)}: anyone may call it`);
    return pass(`${String(verb)} has authorization ${show(authorization)}${apiKey === true ? ' and requires an API key' : ''}`);
  },
};

/** AwsSolutions-APIG4: every method has an authorizer (this rule makes no exception for OPTIONS). */
export const methodAuthorized: Rule = {
  id: 'AwsSolutions-APIG4',
  ruleSet: 'cdk-nag',
  title: 'API Gateway method implements authorization (authorization is not NONE)',
  resourceTypes: ['aws_api_gateway_method'],
  check: (method) => {
    const authorization = method.body.authorization;
    if (authorization === undefined) return fail('authorization is not set');
    return authorization === 'NONE' ? fail(`${String(method.body.http_method)} has authorization "NONE"`) : pass(`authorization = ${show(authorization)}`);
  },
};

/** AwsSolutions-COG4: methods use a Cognito user pool authorizer (not applicable to OPTIONS). */
export const methodCognito: Rule = {
  id: 'AwsSolutions-COG4',
  ruleSet: 'cdk-nag',
  title: 'API Gateway method uses a Cognito user pool authorizer (OPTIONS excepted)',
  resourceTypes: ['aws_api_gateway_method'],
  check: (method) => {
    if (method.body.http_method === 'OPTIONS') return undefined;
    const authorization = method.body.authorization;
    return authorization === 'COGNITO_USER_POOLS'
      ? pass('authorization = "COGNITO_USER_POOLS"')
      : fail(`${String(method.body.http_method)} has authorization ${show(authorization)}, not "COGNITO_USER_POOLS"`);
  },
};

/** CKV2_AWS_29 / AwsSolutions-APIG3: a WAFv2 web ACL is associated with the stage. */
export const stageWebAcl: Rule[] = sameCheck(
  [
    { id: 'CKV2_AWS_29', ruleSet: 'checkov' },
    { id: 'AwsSolutions-APIG3', ruleSet: 'cdk-nag' },
  ],
  'API Gateway stage is protected by a WAFv2 web ACL (aws_wafv2_web_acl_association on the stage ARN)',
  STAGE,
  (stage, stack) => {
    const association = stack.referencing(stage, 'aws_wafv2_web_acl_association', 'resource_arn')[0];
    if (!association) return fail('no aws_wafv2_web_acl_association has resource_arn referencing this stage');
    const acl = association.body.web_acl_arn;
    return typeof acl === 'string' && acl !== ''
      ? pass(`${association.address} associates web ACL ${show(acl)}`)
      : fail(`${association.address} has web_acl_arn ${show(acl)}`);
  },
);

export const apiGatewayRules: Rule[] = [
  ...stageAccessLogging,
  stageXray,
  stageThrottling,
  dataTraceOff,
  deploymentCreateBeforeDestroy,
  restApiCreateBeforeDestroy,
  methodNotOpen,
  methodAuthorized,
  methodCognito,
  ...stageWebAcl,
];
