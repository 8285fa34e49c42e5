import { createHash } from 'node:crypto';
import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * A name for an account-wide AWS object (CloudFront function, policy, OAC), unique per stack and
 * construct path and stable across synths: the readable path, cut to fit, plus a hash of the full path.
 * `maxLength` is the service's limit; only `[A-Za-z0-9-_]` is kept.
 */
export function accountUniqueName(scope: IConstruct, suffix: string, maxLength = 64): string {
  const path = [...constructPath(scope), suffix];
  const hash = createHash('sha256').update(path.join('/')).digest('hex').slice(0, 8);
  return `${readableName(path).slice(0, maxLength - hash.length - 1)}-${hash}`;
}

/** The stack id and construct ids down to `scope`, as a readable name: `contact-site-site`. */
export function readableConstructPath(scope: IConstruct): string {
  return readableName(constructPath(scope));
}

function constructPath(scope: IConstruct): string[] {
  const stack = TerraformStack.of(scope);
  return [stack.node.id, ...scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map((s) => s.node.id)];
}

function readableName(parts: string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9-_]/g, '-').replace(/-+/g, '-');
}

/** Turns a DNS name into a construct id fragment: `www.example.com` -> `www-example-com`. */
export function dnsNameToId(name: string): string {
  return name.replace(/\*/g, 'wildcard').replace(/[^a-z0-9]+/gi, '-');
}
