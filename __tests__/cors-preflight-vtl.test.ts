/**
 * The multi-origin VTL template, evaluated. `evaluateVtl` (preview/vtl.ts) implements only the subset of
 * Velocity that `corsOriginTemplate` generates and throws on anything else, so a template that
 * drifts outside what is modelled here fails loudly instead of passing by accident. Semantics
 * follow Velocity 1.7 as API Gateway runs it: `#set` of a null is a no-op, `$!ref` in a string is
 * "" when null, `==` with a null side is false.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { CorsPreflight } from '../constructs/cors-preflight';
import { allowedOriginFor, corsOriginTemplate, resolveCorsConfig, validateOrigins } from '../constructs/internal/cors';
import { evaluateVtl } from '../preview/vtl';

// ---------------------------------------------------------------------------------------------
// Evaluating the construct's output like API Gateway would
// ---------------------------------------------------------------------------------------------

interface Synthesized {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

function only(json: Synthesized, type: string): Record<string, unknown> {
  const all = Object.values(json.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
}

/**
 * The headers of the preflight response for a request with `requestHeaders`: the integration
 * response's static mappings, then the template's overrides. Every header must be declared by
 * the method response (API Gateway rejects undeclared mappings and ignores undeclared overrides).
 */
function preflightResponseHeaders(origins: string[], requestHeaders: Record<string, string>): Record<string, string> {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  new CorsPreflight(stack, 'cors', { restApiId: 'api-id', resourceId: 'res-id', allowOrigins: origins });
  const json = JSON.parse(Testing.synth(stack)) as Synthesized;
  const declared = Object.keys(only(json, 'aws_api_gateway_method_response').response_parameters as Record<string, boolean>);
  const integrationResponse = only(json, 'aws_api_gateway_integration_response');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(integrationResponse.response_parameters as Record<string, string>)) {
    expect(declared).toContain(key);
    expect(value).toMatch(/^'[^']*'$/);
    headers[key.replace('method.response.header.', '')] = value.slice(1, -1);
  }
  const templates = integrationResponse.response_templates as Record<string, string> | undefined;
  if (templates) {
    expect(Object.keys(templates)).toEqual(['application/json']);
    const result = evaluateVtl(templates['application/json'], requestHeaders);
    expect(result.body).toBe('');
    for (const [name, value] of Object.entries(result.headerOverrides)) {
      expect(declared).toContain(`method.response.header.${name}`);
      headers[name] = value;
    }
  }
  return headers;
}

// ---------------------------------------------------------------------------------------------

describe('the VTL evaluator itself', () => {
  test('follows #if/#elseif/#else, ==, ||, &&, ! and quiet references', () => {
    const t =
      `#set($a = "$!input.params().header.get('A')")` + `#if($a == 'x' && !$missing)one#elseif($a == 'y' || $a == 'z')two#else(#if($a != '')three#end)#end`;
    expect(evaluateVtl(t, { A: 'x' }).body).toBe('one');
    expect(evaluateVtl(t, { A: 'z' }).body).toBe('two');
    expect(evaluateVtl(t, { A: 'w' }).body).toBe('(three)');
    expect(evaluateVtl(t, {}).body).toBe('()');
  });

  test('models Velocity null semantics: #set of null keeps the old value, $! gives ""', () => {
    const t = `#set($o = 'before')#set($o = $input.params().header.get('Origin'))#if($o == 'before')kept#end`;
    expect(evaluateVtl(t, {}).body).toBe('kept');
    expect(evaluateVtl(t, { Origin: 'x' }).body).toBe('');
    expect(evaluateVtl(`#set($o = "[$input.params().header.get('X')]")#if($o == "[$input.params().header.get('X')]")loud#end`, {}).body).toBe('loud');
  });

  test('rejects syntax it does not model, and double overrides', () => {
    expect(() => evaluateVtl('#foreach($x in $y)#end', {})).toThrow(/not modelled/);
    expect(() => evaluateVtl('$origin', {})).toThrow(/not modelled/);
    expect(() => evaluateVtl('#if($a == ${b})#end', {})).toThrow(/not modelled/);
    expect(() => evaluateVtl('#if($a == "")', {})).toThrow(/without #end/);
    expect(() => evaluateVtl(`#set($context.responseOverride.header.X = 'a')#set($context.responseOverride.header.X = 'b')`, {})).toThrow(/twice/);
  });

  test("shows AWS CDK's fallback bug: its shape overrides only for the 2nd..nth origin", () => {
    // CDK's shape: a static first origin, and the template only checks the others.
    const cdkLike =
      `#set($origin = "$!input.params().header.get('Origin')")` +
      `#if($origin == 'https://b.example')#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end`;
    expect(evaluateVtl(cdkLike, { Origin: 'https://a.example' }).headerOverrides).toEqual({});
  });
});

describe('corsOriginTemplate', () => {
  const origins = ['https://a.example', 'https://b.example', 'http://localhost:3000'];
  const template = corsOriginTemplate(origins);
  const override = (headers: Record<string, string>) => evaluateVtl(template, headers).headerOverrides;

  test('echoes the FIRST origin of the list (not only the 2nd..nth)', () => {
    expect(override({ Origin: 'https://a.example' })).toEqual({ 'Access-Control-Allow-Origin': 'https://a.example' });
  });

  test('echoes a later origin', () => {
    expect(override({ Origin: 'https://b.example' })).toEqual({ 'Access-Control-Allow-Origin': 'https://b.example' });
    expect(override({ Origin: 'http://localhost:3000' })).toEqual({ 'Access-Control-Allow-Origin': 'http://localhost:3000' });
  });

  test('sets nothing for an unknown origin, look-alikes included', () => {
    for (const o of [
      'https://evil.example',
      'https://a.example.evil.com',
      'https://aXexample',
      'http://a.example',
      'https://a.example:444',
      'https://A.EXAMPLE',
      'https://a.example/',
      'null',
      '',
    ]) {
      expect({ o, overrides: override({ Origin: o }) }).toEqual({ o, overrides: {} });
    }
  });

  test('sets nothing when the request has no Origin header', () => {
    expect(override({})).toEqual({});
    expect(override({ Referer: 'https://a.example/' })).toEqual({});
  });

  test('reads the lower-case `origin` header (HTTP/2 clients)', () => {
    expect(override({ origin: 'https://b.example' })).toEqual({ 'Access-Control-Allow-Origin': 'https://b.example' });
    expect(override({ origin: 'https://evil.example' })).toEqual({});
  });

  test('prefers `Origin` when both spellings are present', () => {
    expect(override({ Origin: 'https://a.example', origin: 'https://b.example' })).toEqual({
      'Access-Control-Allow-Origin': 'https://a.example',
    });
  });

  test('writes no body and contains nothing Terraform would interpolate', () => {
    expect(evaluateVtl(template, { Origin: 'https://a.example' }).body).toBe('');
    expect(template).not.toMatch(/\$\{|%\{/);
  });

  test('the exact generated string', () => {
    expect(corsOriginTemplate(['https://a.example', 'https://b.example'])).toBe(
      `#set($origin = "$!input.params().header.get('Origin')")` +
        `#if($origin == "")#set($origin = "$!input.params().header.get('origin')")#end` +
        `#if($origin == 'https://a.example' || $origin == 'https://b.example')` +
        `#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end`,
    );
  });

  test('refuses `*`, an empty list and values that would break out of the string', () => {
    expect(() => corsOriginTemplate([])).toThrow();
    expect(() => corsOriginTemplate(['*'])).toThrow();
    expect(() => corsOriginTemplate(["https://a.example' || 'x"])).toThrow(/unsafe/);
  });

  test('agrees with allowedOriginFor on arbitrary lists and request origins', () => {
    const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]\.(com|example|io)$/);
    const origin = fc
      .tuple(fc.constantFrom('http', 'https'), host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
      .map(([s, h, p]) => `${s}://${h}${p === undefined ? '' : `:${p}`}`);
    fc.assert(
      fc.property(
        fc.uniqueArray(origin, { minLength: 2, maxLength: 5 }),
        fc.oneof(origin, fc.constant('')),
        fc.nat(10),
        fc.boolean(),
        (list, other, pick, lower) => {
          const normalised = validateOrigins(list, 'test', 'allowOrigins');
          fc.pre(new Set(normalised).size >= 2);
          const config = resolveCorsConfig({ allowOrigins: normalised }, 'test');
          const requestOrigin = pick < normalised.length ? normalised[pick] : other;
          const got = evaluateVtl(corsOriginTemplate(normalised), { [lower ? 'origin' : 'Origin']: requestOrigin }).headerOverrides[
            'Access-Control-Allow-Origin'
          ];
          expect(got).toBe(allowedOriginFor(config, requestOrigin));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the synthesized preflight, evaluated like API Gateway', () => {
  test('several origins: each listed origin gets itself, others get no Allow-Origin', () => {
    const origins = ['https://a.example', 'https://b.example'];
    expect(preflightResponseHeaders(origins, { Origin: 'https://a.example' })).toEqual({
      'Access-Control-Allow-Origin': 'https://a.example',
      'Access-Control-Allow-Methods': 'POST,OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type,Idempotency-Key',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    });
    expect(preflightResponseHeaders(origins, { origin: 'https://b.example' })['Access-Control-Allow-Origin']).toBe('https://b.example');
    const unknown = preflightResponseHeaders(origins, { Origin: 'https://evil.example' });
    expect(unknown).not.toHaveProperty('Access-Control-Allow-Origin');
    expect(unknown.Vary).toBe('Origin');
    expect(preflightResponseHeaders(origins, {})).not.toHaveProperty('Access-Control-Allow-Origin');
  });

  test('a single origin is static, whatever the request says, and needs no Vary', () => {
    const requests: Array<Record<string, string>> = [{ Origin: 'https://a.example' }, { Origin: 'https://evil.example' }, {}];
    for (const req of requests) {
      const headers = preflightResponseHeaders(['https://a.example'], req);
      expect(headers['Access-Control-Allow-Origin']).toBe('https://a.example');
      expect(headers).not.toHaveProperty('Vary');
    }
  });

  test('`*` is static `*`', () => {
    expect(preflightResponseHeaders(['*'], { Origin: 'https://x.example' })['Access-Control-Allow-Origin']).toBe('*');
  });
});
