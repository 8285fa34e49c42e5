/**
 * A tiny Velocity (VTL) evaluator: the subset that API Gateway mapping templates of this project use
 * (`#set`, `#if/#elseif/#else/#end`, `==`/`!=`/`||`/`&&`/`!`, quoted strings with `$ref`/`$!ref`
 * interpolation, `$input.params().header.get(...)`, `$context.responseOverride.header.*` writes).
 * It throws on anything else, so a template that drifts outside what is modelled fails loudly
 * instead of passing by accident. Semantics follow Velocity 1.7 as API Gateway runs it: `#set` of a
 * null is a no-op, `$!ref` in a string is "" when null, `==` with a null side is false.
 *
 * Used by the local preview's gateway (preview/api-gateway.ts) and by __tests__/cors-preflight-vtl.test.ts.
 */

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
type Node = { kind: 'text'; text: string } | { kind: 'set'; target: Ref; value: Expr } | { kind: 'if'; branches: Array<{ cond: Expr | null; body: Node[] }> };

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

export interface VtlResult {
  body: string;
  /** `$context.responseOverride.header.*` assignments. */
  headerOverrides: Record<string, string>;
}

/** Evaluates `template` for a request with `headers` (case preserved, as API Gateway's map is). */
export function evaluateVtl(template: string, headers: Record<string, string>): VtlResult {
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
