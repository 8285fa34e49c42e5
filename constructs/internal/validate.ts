import { Token } from 'cdktf';

/** Thrown for a construct prop that cannot work; the message names the construct and the prop. */
export class PropError extends Error {
  constructor(construct: string, prop: string, problem: string) {
    super(`${construct}: ${prop} ${problem}`);
    this.name = 'PropError';
  }
}

// RFC 1035 host name, lower case, 2+ labels, no trailing dot; a leading `*.` label is allowed for wildcards.
const DOMAIN_NAME = /^(\*\.)?(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** True unless the value is a Terraform token, which cannot be checked at synth. */
export function isConcrete(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

export function checkDomainName(construct: string, prop: string, name: string): void {
  if (!isConcrete(name)) return;
  if (name.length > 253 || !DOMAIN_NAME.test(name)) {
    throw new PropError(construct, prop, `"${name}" is not a valid domain name (lower-case labels of a-z, 0-9 and "-", separated by dots, no trailing dot)`);
  }
}

/** A name belongs to a zone when it is the zone's apex or a subdomain of it. */
export function isInZone(name: string, zoneName: string): boolean {
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  return name === zone || name.endsWith(`.${zone}`);
}
