/**
 * The multi-origin VTL template, evaluated. `evaluateVtl` below implements only the subset of
 * Velocity that `corsOriginTemplate` generates and throws on anything else, so a template that
 * drifts outside what is modelled here fails loudly instead of passing by accident. Semantics
 * follow Velocity 1.7 as API Gateway runs it: `#set` of a null is a no-op, `$!ref` in a string is
 * "" when null, `==` with a null side is false.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { CorsPreflight } from '../constructs/cors-preflight';
import { allowedOriginFor, corsOriginTemplate, resolveCorsConfig, validateOrigins } from '../constructs/internal/cors';

// ---------------------------------------------------------------------------------------------
// A tiny VTL evaluator
// ---------------------------------------------------------------------------------------------

type Value = unknown;
type Expr =
  | { kind: 'str'; value: string }
  | { kind: 'interp'; parts: Array<string | Ref> }
  | { kind: 'ref'; ref: Ref }
  | { kind: 'not'; operand: Expr }
  | { kind: 'bin'; op: '==' | '!=' | '||' | '&&'; left: Expr; right: Expr };
interface Ref {
  quiet: boolean;
  name: string;
  path: Array<{ prop: string; args?: Expr[] }>;
  text: string;
}
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'set'; target: Ref; value: Expr }
  | { kind: 'if'; branches: Array<{ cond: Expr | null; body: Node[] }> };

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  private fail(msg: string): never {
    throw new Error(`VTL parse error at ${this.pos}: ${msg} in ${JSON.stringify(this.src)}`);
  }
  private skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }
  private eat(s: string): boolean {
    this.skipWs();
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }
  private expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected ${JSON.stringify(s)}`);
  }

  parseTemplate(): Node[] {
    const [nodes, stop] = this.parseNodes();
    if (stop !== null) this.fail(`unexpected #${stop}`);
    return nodes;
  }

  /** Parses nodes until EOF or a #elseif/#else/#end (returned, not consumed beyond its name). */
  private parseNodes(): [Node[], string | null] {
    const nodes: Node[] = [];
    while (this.pos < this.src.length) {
      if (this.src.startsWith('##', this.pos) || this.src.startsWith('#*', this.pos)) this.fail('comments are not modelled');
      if (this.src[this.pos] === '$') this.fail('bare references in text are not modelled');
      if (this.src[this.pos] !== '#') {
        const next = this.src.slice(this.pos).search(/[#$]/);
        const end = next === -1 ? this.src.length : this.pos + next;
        nodes.push({ kind: 'text', text: this.src.slice(this.pos, end) });
        this.pos = end;
        continue;
      }
      const m = /^#\{?([a-z]+)\}?/.exec(this.src.slice(this.pos));
      if (!m) this.fail('bad directive');
      this.pos += m[0].length;
      const name = m[1];
      if (name === 'set') {
        this.expect('(');
        this.skipWs();
        const target = this.parseRef();
        if (target.path.some((p) => p.args)) this.fail('#set target must not call methods');
        this.expect('=');
        const value = this.parseExpr();
        this.expect(')');
        nodes.push({ kind: 'set', target, value });
      } else if (name === 'if') {
        nodes.push(this.parseIf());
      } else if (name === 'elseif' || name === 'else' || name === 'end') {
        return [nodes, name];
      } else {
        this.fail(`directive #${name} is not modelled`);
      }
    }
    return [nodes, null];
  }

  private parseIf(): Node {
    const branches: Array<{ cond: Expr | null; body: Node[] }> = [];
    let cond: Expr | null = this.parseCond();
    for (;;) {
      const [body, stop] = this.parseNodes();
      branches.push({ cond, body });
      if (stop === 'end') return { kind: 'if', branches };
      if (stop === 'elseif') cond = this.parseCond();
      else if (stop === 'else') cond = null;
      else this.fail('#if without #end');
    }
  }

  private parseCond(): Expr {
    this.expect('(');
    const e = this.parseExpr();
    this.expect(')');
    return e;
  }

  parseExpr(): Expr {
    let left = this.parseAnd();
    while (this.eat('||')) left = { kind: 'bin', op: '||', left, right: this.parseAnd() };
    return left;
  }
  private parseAnd(): Expr {
    let left = this.parseUnary();
    while (this.eat('&&')) left = { kind: 'bin', op: '&&', left, right: this.parseUnary() };
    return left;
  }
  private parseUnary(): Expr {
    this.skipWs();
    if (this.src[this.pos] === '!' && this.src[this.pos + 1] !== '=') {
      this.pos++;
      return { kind: 'not', operand: this.parseUnary() };
    }
    const left = this.parsePrimary();
    if (this.eat('==')) return { kind: 'bin', op: '==', left, right: this.parsePrimary() };
    if (this.eat('!=')) return { kind: 'bin', op: '!=', left, right: this.parsePrimary() };
    return left;
  }
  private parsePrimary(): Expr {
    this.skipWs();
    const c = this.src[this.pos];
    if (c === "'") {
      const end = this.src.indexOf("'", this.pos + 1);
      if (end === -1) this.fail('unterminated string');
      const value = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { kind: 'str', value };
    }
    if (c === '"') {
      const end = this.src.indexOf('"', this.pos + 1);
      if (end === -1) this.fail('unterminated string');
      const body = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { kind: 'interp', parts: parseInterpolated(body) };
    }
    if (c === '$') return { kind: 'ref', ref: this.parseRef() };
    return this.fail('expected a string or a reference');
  }

  parseRef(): Ref {
    const start = this.pos;
    if (this.src[this.pos] !== '$') this.fail('expected $');
    this.pos++;
    const quiet = this.src[this.pos] === '!';
    if (quiet) this.pos++;
    if (this.src[this.pos] === '{') this.fail('${...} references are not modelled');
    const name = this.ident();
    const path: Ref['path'] = [];
    while (this.src[this.pos] === '.' && /[A-Za-z]/.test(this.src[this.pos + 1] ?? '')) {
      this.pos++;
      const prop = this.ident();
      if (this.src[this.pos] === '(') {
        this.pos++;
        const args: Expr[] = [];
        if (!this.eat(')')) {
          do args.push(this.parseExpr());
          while (this.eat(','));
          this.expect(')');
        }
        path.push({ prop, args });
      } else {
        path.push({ prop });
      }
    }
    return { quiet, name, path, text: this.src.slice(start, this.pos) };
  }
  private ident(): string {
    const m = /^[A-Za-z][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected an identifier');
    this.pos += m[0].length;
    return m[0];
  }
}

function parseInterpolated(body: string): Array<string | Ref> {
  const parts: Array<string | Ref> = [];
  let i = 0;
  while (i < body.length) {
    const d = body.indexOf('$', i);
    if (d === -1) {
      parts.push(body.slice(i));
      break;
    }
    if (d > i) parts.push(body.slice(i, d));
    const p = new Parser(body);
    p.pos = d;
    parts.push(p.parseRef());
    i = p.pos;
  }
  return parts;
}

interface VtlResult {
  body: string;
  /** `$context.responseOverride.header.*` assignments. */
  headerOverrides: Record<string, string>;
}

/** Evaluates `template` for a request with `headers` (case preserved, as API Gateway's map is). */
function evaluateVtl(template: string, headers: Record<string, string>): VtlResult {
  const nodes = new Parser(template).parseTemplate();
  const vars = new Map<string, Value>();
  const headerOverrides: Record<string, string> = {};
  const headerMap = { get: (k: unknown) => (typeof k === 'string' && k in headers ? headers[k] : null) };
  const input = { params: () => ({ header: headerMap }) };

  const resolveRef = (ref: Ref): Value => {
    let v: Value = ref.name === 'input' ? input : vars.has(ref.name) ? vars.get(ref.name) : null;
    if (ref.name === 'context') throw new Error('reading $context is not modelled');
    for (const step of ref.path) {
      if (v === null || v === undefined) return null;
      const member = (v as Record<string, Value>)[step.prop];
      if (step.args) {
        if (typeof member !== 'function') throw new Error(`no method ${step.prop} in ${ref.text}`);
        v = (member as (...a: Value[]) => Value)(...step.args.map(evalExpr));
      } else {
        if (member === undefined) throw new Error(`no property ${step.prop} in ${ref.text}`);
        v = member;
      }
    }
    return v ?? null;
  };
  const truthy = (v: Value) => v !== null && v !== undefined && v !== false;
  const evalExpr = (e: Expr): Value => {
    switch (e.kind) {
      case 'str':
        return e.value;
      case 'interp':
        return e.parts
          .map((p) => {
            if (typeof p === 'string') return p;
            const v = resolveRef(p);
            return v === null ? (p.quiet ? '' : p.text) : String(v);
          })
          .join('');
      case 'ref':
        return resolveRef(e.ref);
      case 'not':
        return !truthy(evalExpr(e.operand));
      case 'bin': {
        if (e.op === '||') return truthy(evalExpr(e.left)) || truthy(evalExpr(e.right));
        if (e.op === '&&') return truthy(evalExpr(e.left)) && truthy(evalExpr(e.right));
        const l = evalExpr(e.left);
        const r = evalExpr(e.right);
        const eq = l === null || r === null ? l === r : String(l) === String(r);
        return e.op === '==' ? eq : !eq;
      }
    }
  };
  let body = '';
  const run = (list: Node[]): void => {
    for (const n of list) {
      if (n.kind === 'text') body += n.text;
      else if (n.kind === 'set') {
        const value = evalExpr(n.value);
        const t = n.target;
        if (t.name === 'context') {
          const path = t.path.map((p) => p.prop);
          if (path.length !== 3 || path[0] !== 'responseOverride' || path[1] !== 'header') {
            throw new Error(`#set(${t.text}) is not modelled`);
          }
          if (value === null) continue;
          if (path[2] in headerOverrides) throw new Error(`header ${path[2]} overridden twice (API Gateway answers 5XX)`);
          headerOverrides[path[2]] = String(value);
        } else {
          if (t.path.length > 0) throw new Error(`#set(${t.text}) is not modelled`);
          if (value !== null) vars.set(t.name, value); // Velocity 1.7: #set of null is a no-op
        }
      } else {
        const branch = n.branches.find((b) => b.cond === null || truthy(evalExpr(b.cond)));
        if (branch) run(branch.body);
      }
    }
  };
  run(nodes);
  return { body, headerOverrides };
}

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
      `#set($a = "$!input.params().header.get('A')")` +
      `#if($a == 'x' && !$missing)one#elseif($a == 'y' || $a == 'z')two#else(#if($a != '')three#end)#end`;
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
    expect(() =>
      evaluateVtl(`#set($context.responseOverride.header.X = 'a')#set($context.responseOverride.header.X = 'b')`, {}),
    ).toThrow(/twice/);
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
          const normalised = validateOrigins(list, 'test');
          fc.pre(new Set(normalised).size >= 2);
          const config = resolveCorsConfig({ allowOrigins: normalised }, 'test');
          const requestOrigin = pick < normalised.length ? normalised[pick] : other;
          const got = evaluateVtl(corsOriginTemplate(normalised), { [lower ? 'origin' : 'Origin']: requestOrigin })
            .headerOverrides['Access-Control-Allow-Origin'];
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
    expect(preflightResponseHeaders(origins, { origin: 'https://b.example' })['Access-Control-Allow-Origin']).toBe(
      'https://b.example',
    );
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
