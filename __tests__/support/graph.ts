import { TerraformDocument } from './synth';

const REFERENCE = /\b(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g;

/**
 * The dependency graph Terraform would build from a synthesized document: an edge for every
 * `${type.name...}` reference inside an expression and every `depends_on` entry.
 */
export function dependencyGraph(doc: TerraformDocument): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const add = (kind: 'resource' | 'data', blocks: TerraformDocument['resource'] | undefined): void => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        graph.set(kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`, new Set());
        void body;
      }
    }
  };
  add('resource', doc.resource);
  add('data', doc.data);
  const edgesOf = (value: unknown, into: Set<string>, self: string): void => {
    if (typeof value === 'string') {
      for (const expression of value.match(/\$\{[^]*?\}/g) ?? []) {
        for (const match of expression.matchAll(REFERENCE)) {
          const target = `${match[1] ?? ''}${match[2]}.${match[3]}`;
          if (graph.has(target) && target !== self) into.add(target);
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item) => edgesOf(item, into, self));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key === '//') continue;
        if (key === 'depends_on') {
          for (const target of item as string[]) if (graph.has(target)) into.add(target);
        } else {
          edgesOf(item, into, self);
        }
      }
    }
  };
  for (const [kind, blocks] of [
    ['resource', doc.resource],
    ['data', doc.data],
  ] as const) {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const self = kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        edgesOf(body, graph.get(self)!, self);
      }
    }
  }
  return graph;
}

/** One dependency cycle (as a list of addresses, first repeated at the end), or undefined. */
export function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
