import { isOriginAllowed } from '../../shared/origins';
import { parseBody } from './body';
import { readConfig } from './config';
import { logEvent } from './log';
import { readRequest, type ApiGatewayEvent } from './parse';
import { errorResponse, isHtmlFormPost, RETRY_AFTER_SECONDS, successResponse, thankYouLocation, type ApiGatewayResult, type ResponseContext } from './respond';
import { createDynamoDbStore, pageOf, submissionIdFor } from './store';
import { isHoneypotFilled, readIdempotencyKey, validateSubmission } from './validate';

export type { ApiGatewayEvent } from './parse';
export type { ApiGatewayResult } from './respond';

export interface LambdaContext {
  readonly awsRequestId?: string;
}

// Read once per container; a bad setting is logged here once, and every request then answers 500.
const config = readConfig(process.env);
const store = config.problems.length === 0 ? createDynamoDbStore({ tableName: config.tableName!, region: config.region! }) : undefined;
if (store === undefined) logEvent('error', { event: 'config_invalid', problems: config.problems });

interface Handled {
  readonly response: ApiGatewayResult;
  readonly outcome: string;
  readonly details?: Record<string, unknown>;
}

export const handler = async (event: ApiGatewayEvent | null | undefined, context?: LambdaContext): Promise<ApiGatewayResult> => {
  const started = Date.now();
  const requestId = context?.awsRequestId ?? event?.requestContext?.requestId ?? 'unknown';
  let handled: Handled;
  try {
    handled = await handle(event, requestId);
  } catch (error) {
    // Unreachable by design; kept so that no failure ever escapes as a Lambda error (an opaque 502).
    const origin = typeof event?.headers?.origin === 'string' ? event.headers.origin : undefined;
    handled = {
      response: errorResponse(500, 'internal_error', 'Something went wrong.', { allowlist: config.allowlist, origin, requestId }),
      outcome: 'internal_error',
      details: { errorName: error instanceof Error ? error.name : typeof error },
    };
  }
  const status = handled.response.statusCode;
  logEvent(status >= 500 ? 'error' : 'info', {
    requestId,
    apiRequestId: event?.requestContext?.requestId,
    outcome: handled.outcome,
    status,
    durationMs: Date.now() - started,
    ...handled.details,
  });
  return handled.response;
};

async function handle(event: ApiGatewayEvent | null | undefined, requestId: string): Promise<Handled> {
  const request = readRequest(event);
  const origin = request.headers.get('origin');
  const htmlForm = isHtmlFormPost(request.headers.get('content-type'), request.headers.get('accept'));
  const context: ResponseContext = { allowlist: config.allowlist, origin, requestId, htmlForm };

  if (store === undefined) {
    return { response: errorResponse(500, 'not_configured', 'The contact service is not configured.', context), outcome: 'not_configured' };
  }
  if (origin !== undefined ? !isOriginAllowed(config.allowlist!, origin) : config.requireOrigin) {
    return { response: errorResponse(403, 'origin_not_allowed', 'This origin may not submit the form.', context), outcome: 'origin_refused' };
  }
  if (request.method !== 'POST') {
    return {
      response: errorResponse(405, 'method_not_allowed', 'Use POST.', context, { headers: { Allow: 'POST' } }),
      outcome: 'method_not_allowed',
    };
  }

  const parsed = parseBody(request);
  if (!parsed.ok) {
    return { response: errorResponse(parsed.status, parsed.error, parsed.message, context, { fields: parsed.fields }), outcome: parsed.error };
  }
  const details = { bodyKind: parsed.kind };
  const key = readIdempotencyKey(request.headers, parsed.fields);
  if (!key.ok) {
    return {
      response: errorResponse(400, 'invalid_fields', 'Some fields are invalid.', context, { fields: [key.error] }),
      outcome: 'invalid_fields',
      details: { ...details, invalid: [`${key.error.field}:${key.error.code}`] },
    };
  }

  const id = submissionIdFor(key.key);
  const redirectTo = htmlForm ? thankYouLocation(config.thankYouUrl, config.allowlist, request.headers) : undefined;
  const success = successResponse(id, context, redirectTo);

  if (isHoneypotFilled(parsed.fields)) return { response: success, outcome: 'honeypot', details };

  const validation = validateSubmission(parsed.fields);
  if (!validation.ok) {
    return {
      response: errorResponse(400, 'invalid_fields', 'Some fields are invalid.', context, { fields: validation.errors }),
      outcome: 'invalid_fields',
      details: { ...details, invalid: validation.errors.map((error) => `${error.field}:${error.code}`) },
    };
  }

  const saved = await store.save({
    id,
    submission: validation.submission,
    submittedAt: new Date().toISOString(),
    userAgent: request.headers.get('user-agent') ?? event?.requestContext?.http?.userAgent,
    page: pageOf(request.headers.get('referer'), (site) => isOriginAllowed(config.allowlist!, site)),
  });
  switch (saved.outcome) {
    case 'stored':
    case 'duplicate':
      return { response: success, outcome: saved.outcome, details: { ...details, idempotent: key.key !== undefined } };
    case 'conflict':
      return {
        response: errorResponse(409, 'idempotency_key_reused', 'This idempotency key was already used for a different submission.', context),
        outcome: 'idempotency_conflict',
        details,
      };
    case 'unavailable':
      return {
        response: errorResponse(503, 'temporarily_unavailable', 'Please try again shortly.', context, {
          headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
        }),
        outcome: 'store_unavailable',
        details: { ...details, errorName: saved.errorName },
      };
    case 'failed':
      return {
        response: errorResponse(500, 'internal_error', 'The submission could not be saved.', context),
        outcome: 'store_failed',
        details: { ...details, errorName: saved.errorName },
      };
  }
}
