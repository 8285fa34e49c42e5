/**
 * API + Lambda: an invalid JSON body and an invalid form-encoded body (as a browser's form posts it) each get
 * the handler's documented 400 answer (JSON; for the form, its HTML error page) with CORS headers: API
 * Gateway's proxy integration reaches the Lambda, the Lambda reads both body types and answers on its error
 * path, and nothing is stored. With --submit, one real message marked as a test, and its id.
 */
import { randomBytes } from 'node:crypto';
import type { DoctorContext } from './context';
import { describeError, httpFetch, type HttpAnswer } from './net';
import { fail, pass, skip, type CheckResult } from './report';

const LAYER = 'API + Lambda';

/** A form post with a valid name and an invalid email: the answer must name the email only, which shows the body was read. */
export const INVALID_FORM_BODY = 'first_name=Doctor&last_name=Check&email=not-an-address';

/** The test message of --submit: no personal data, says what it is. */
export const TEST_MESSAGE = {
  first_name: 'Doctor',
  last_name: 'Check',
  email: 'doctor-check@example.com',
  company: 'npm run doctor',
  message: 'A test message sent by npm run doctor --submit to check that the form works. It can be deleted.',
} as const;

interface ErrorBody {
  readonly error?: unknown;
  readonly fields?: ReadonlyArray<{ field?: unknown; code?: unknown }>;
  /** JSON for scripts; the HTML error page for a browser's form post without JavaScript. */
  readonly format: 'json' | 'html';
}

function jsonBody(answer: HttpAnswer): ErrorBody | undefined {
  if (!/^application\/json\b/i.test(answer.headers['content-type'] ?? '')) return undefined;
  try {
    const value = JSON.parse(answer.body.toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? { ...(value as Omit<ErrorBody, 'format'>), format: 'json' } : undefined;
  } catch {
    return undefined;
  }
}

/** The handler's answer as codes: its JSON, or its HTML error page's data-error / data-field / data-code. */
function errorBody(answer: HttpAnswer): ErrorBody | undefined {
  if (!/^text\/html\b/i.test(answer.headers['content-type'] ?? '')) return jsonBody(answer);
  const html = answer.body.toString('utf8');
  const error = /<main data-error="([^"]*)"/.exec(html)?.[1];
  if (error === undefined) return undefined;
  const fields = [...html.matchAll(/<li data-field="([^"]*)" data-code="([^"]*)">/g)].map(([, field, code]) => ({ field, code }));
  return { error, fields, format: 'html' };
}

export async function checkApi(ctx: DoctorContext): Promise<CheckResult[]> {
  const invalidJson = 'an invalid JSON body gets the handler’s 400 with CORS headers';
  const invalidForm = 'an invalid form post gets the handler’s 400 error page with CORS headers';
  const submitted = 'a real test message is stored';
  const api = ctx.api;
  if (api === undefined) {
    return [invalidJson, invalidForm, submitted].map((check) => skip(LAYER, check, 'the API’s URL is not known (pass --api)'));
  }
  const origin = ctx.target.site.origin;
  const post = (contentType: string, body: string, accept: string, extra: Record<string, string> = {}) =>
    httpFetch(ctx.network, api, {
      method: 'POST',
      headers: { origin, referer: `${origin}/contact.html`, 'content-type': contentType, accept, ...extra },
      body,
    });
  const results: CheckResult[] = [];

  results.push(
    await judge(
      ctx,
      invalidJson,
      () => post('application/json', '{"first_name": "Doctor", ', 'application/json'),
      origin,
      (body) => (body.error === 'malformed_json' ? undefined : `error ${JSON.stringify(body.error)}, expected "malformed_json"`),
    ),
  );
  results.push(
    await judge(
      ctx,
      invalidForm,
      () => post('application/x-www-form-urlencoded', INVALID_FORM_BODY, 'text/html,application/xhtml+xml,*/*;q=0.8'),
      origin,
      (body) => {
        const fields = (body.fields ?? []).map((f) => `${String(f.field)}:${String(f.code)}`);
        if (fields.some((f) => f.startsWith('first_name:')))
          return `the handler did not see the form’s fields (${fields.join(', ')}): the form-encoded body was lost`;
        if (body.error !== 'invalid_fields' || fields.length !== 1 || fields[0] !== 'email:invalid_email')
          return `error ${JSON.stringify(body.error)} ${fields.join(', ')}, expected invalid_fields email:invalid_email`;
        if (body.format !== 'html') return 'a JSON answer, where a browser posting the form without JavaScript gets the HTML error page';
        return undefined;
      },
    ),
  );

  if (!ctx.submit) {
    results.push(skip(LAYER, submitted, 'pass --submit to send one test message (the only check that stores anything)'));
    return results;
  }
  try {
    const key = `doctor-${ctx.now().toISOString()}-${randomBytes(4).toString('hex')}`;
    const answer = await post('application/json', JSON.stringify(TEST_MESSAGE), 'application/json', { 'idempotency-key': key });
    const id = (jsonBody(answer) as { id?: unknown } | undefined)?.id;
    if (answer.status === 201 && typeof id === 'string') results.push(pass(LAYER, submitted, `id ${id}`));
    else results.push(apiFailure(ctx, submitted, answer, 'the test message was not stored'));
  } catch (error) {
    results.push(fail(LAYER, submitted, describeError(error), 'the API does not answer', 'see the checks above'));
  }
  return results;
}

async function judge(
  ctx: DoctorContext,
  check: string,
  send: () => Promise<HttpAnswer>,
  origin: string,
  wrongBody: (body: ErrorBody) => string | undefined,
): Promise<CheckResult> {
  let answer: HttpAnswer;
  try {
    answer = await send();
  } catch (error) {
    return fail(
      LAYER,
      check,
      describeError(error),
      'the API does not answer: a wrong endpoint, or the stage is not deployed',
      'use the endpoint output (ContactApi’s endpoint); deploy',
    );
  }
  const body = errorBody(answer);
  if (answer.status !== 400 || body === undefined) return apiFailure(ctx, check, answer, 'the handler did not give its documented 400');
  const wrong = wrongBody(body);
  const allowOrigin = answer.headers['access-control-allow-origin'];
  if (wrong !== undefined) {
    return fail(
      LAYER,
      check,
      `400, ${wrong}`,
      wrong.includes('was lost')
        ? 'the Lambda got the request without its form-encoded body: the integration is not AWS_PROXY (a mapping template drops it), or the handler does not decode application/x-www-form-urlencoded or base64 bodies'
        : 'the API answers with another handler than this stack’s (an older version, or another function behind the integration)',
      'use ContactApi’s AWS_PROXY integration and its handler; deploy',
    );
  }
  if (allowOrigin !== origin) {
    return fail(
      LAYER,
      check,
      `400 ${String(body.error)}, Access-Control-Allow-Origin: ${allowOrigin ?? '(none)'}`,
      `the handler’s answers do not allow the site’s origin, so the browser hides them from the form (it shows a network error instead of the message): ${origin} is not in the function’s ALLOWED_ORIGINS`,
      'set ALLOWED_ORIGINS to the site’s origins (ContactApi’s allowedOrigins, from StaticSite.origins) and deploy',
    );
  }
  const page = body.format === 'html' ? ' (its HTML error page)' : '';
  return pass(LAYER, check, `400 ${String(body.error)}${page}, Access-Control-Allow-Origin: ${allowOrigin} (a 400 stores nothing)`);
}

/** A failed answer from the API: what API Gateway or the handler said, and where to look. */
function apiFailure(ctx: DoctorContext, check: string, answer: HttpAnswer, summary: string): CheckResult {
  const body = errorBody(answer);
  const error = body?.error;
  const message = (body as { message?: unknown } | undefined)?.message;
  const seen = `${answer.status}${typeof error === 'string' ? ` ${error}` : typeof message === 'string' ? ` ${JSON.stringify(message)}` : ''}`;
  const logs = `its CloudWatch logs (/aws/lambda/${ctx.target.functionName ?? '<function-name output>'})`;
  const errorType = answer.headers['x-amzn-errortype'] ?? '';
  if (answer.status === 502 || answer.status === 504) {
    return fail(
      LAYER,
      check,
      `${seen}${errorType ? ` (${errorType})` : ''}`,
      `${summary}: API Gateway got no valid answer from the Lambda (an opaque ${answer.status}): the function threw, timed out, could not start (a missing handler file or module in the zip), or returned something that is not a proxy response`,
      `read ${logs} for the error; deploy the stack’s bundled handler (ContactApi builds the zip and never lets an error escape as a 502)`,
    );
  }
  if (answer.status === 403 && (/missing authentication token/i.test(answer.body.toString('utf8')) || errorType.startsWith('MissingAuthenticationToken'))) {
    return fail(
      LAYER,
      check,
      '403 Missing Authentication Token',
      `${summary}: the URL names no method of the deployed stage (a wrong path or stage, or the stage not redeployed after the POST method was added)`,
      'use the endpoint output as it is, and deploy',
    );
  }
  if (answer.status === 403 && error === 'origin_not_allowed') {
    return fail(
      LAYER,
      check,
      '403 origin_not_allowed',
      `${summary}: the handler refuses the site’s origin (${ctx.target.site.origin}): it is not in ALLOWED_ORIGINS`,
      'set ContactApi’s allowedOrigins to the site’s origins (StaticSite.origins) and deploy',
    );
  }
  if (answer.status === 500 && (error === 'not_configured' || error === 'internal_error')) {
    return fail(
      LAYER,
      check,
      seen,
      `${summary}: the handler is ${error === 'not_configured' ? 'not configured (TABLE_NAME or ALLOWED_ORIGINS missing or invalid)' : 'failing (DynamoDB refused the write: permissions, or the table is missing)'}`,
      `read ${logs} (config_invalid or the error's name), and deploy ContactApi as it is`,
    );
  }
  if (answer.status === 429) {
    return fail(
      LAYER,
      check,
      `429${errorType ? ` (${errorType})` : ''}`,
      `${summary}: API Gateway throttled the request (the stage’s throttling limits: too many requests in the last seconds, the doctor’s own included)`,
      'run again in a few seconds; if visitors see 429s too, raise the stage’s throttling_rate_limit and throttling_burst_limit',
    );
  }
  if (answer.status === 415) {
    return fail(
      LAYER,
      check,
      seen,
      `${summary}: the handler does not accept this content type`,
      'deploy the stack’s handler (it reads JSON, form-encoded and multipart bodies)',
    );
  }
  return fail(LAYER, check, seen, `${summary}: the API answered ${answer.status}`, `read ${logs}`);
}
