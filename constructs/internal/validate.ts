import { Token } from 'cdktf';

/** One prop that cannot work, and why. */
export interface PropProblem {
  readonly prop: string;
  readonly problem: string;
}

/**
 * Thrown at synth for construct props that cannot work. The message has one line per problem, each
 * naming the construct and the prop: `StaticSite: priceClass "PriceClass_1" is not one of ...`.
 */
export class PropError extends Error {
  readonly construct: string;
  readonly problems: readonly PropProblem[];

  constructor(construct: string, prop: string, problem: string);
  constructor(construct: string, problems: readonly PropProblem[]);
  constructor(construct: string, propOrProblems: string | readonly PropProblem[], problem?: string) {
    const problems = typeof propOrProblems === 'string' ? [{ prop: propOrProblems, problem: problem ?? '' }] : [...propOrProblems];
    super(problems.map((p) => `${construct}: ${p.prop} ${p.problem}`).join('\n'));
    this.name = 'PropError';
    this.construct = construct;
    this.problems = problems;
  }
}

/**
 * Collects every problem of a construct's props, so that a user with three wrong props sees three
 * lines at once. Each check runs in {@link PropChecks.check}; a PropError it throws is collected and
 * the next check runs. Checks that need an earlier one to hold go in the same `check` call.
 */
export class PropChecks {
  private readonly problems: PropProblem[] = [];

  constructor(private readonly construct: string) {}

  /** Runs `check`; returns its value, or `fallback` when it threw a PropError (collected). */
  check<T>(check: () => T, fallback: T): T;
  check(check: () => void): void;
  check<T>(check: () => T, fallback?: T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof PropError)) throw error;
      this.problems.push(...error.problems);
      return fallback;
    }
  }

  /** Throws one PropError with every problem collected, if there is any. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new PropError(this.construct, this.problems);
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

/** The domain props both constructs take. */
export interface DomainProps {
  readonly domainName?: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
}

/**
 * `domainName` with exactly one of `hostedZoneId` / `hostedZoneName`, each well formed, and every name
 * (`domainName`, then `extra.names`, reported as the prop `extra.prop`) in the zone. Without
 * `domainName`, neither zone prop may be set.
 */
export function checkDomainAndZone(construct: string, props: DomainProps, extra: { names: readonly string[]; prop: string } = { names: [], prop: '' }): void {
  if (props.domainName === undefined) {
    for (const prop of ['hostedZoneId', 'hostedZoneName'] as const) {
      if (props[prop] !== undefined) throw new PropError(construct, prop, 'needs domainName');
    }
    return;
  }
  checkDomainName(construct, 'domainName', props.domainName);
  extra.names.forEach((name) => checkDomainName(construct, extra.prop, name));
  if (props.hostedZoneId === undefined && props.hostedZoneName === undefined) {
    throw new PropError(
      construct,
      'hostedZoneId',
      `or hostedZoneName is required with domainName "${props.domainName}": the DNS validation and alias records go there`,
    );
  }
  if (props.hostedZoneId !== undefined && props.hostedZoneName !== undefined) {
    throw new PropError(construct, 'hostedZoneId', 'and hostedZoneName are exclusive: give one');
  }
  if (isConcrete(props.hostedZoneId) && !/^Z[A-Z0-9]{1,31}$/.test(props.hostedZoneId)) {
    throw new PropError(construct, 'hostedZoneId', `"${props.hostedZoneId}" is not a Route 53 hosted zone id (Z followed by upper-case letters and digits)`);
  }
  if (isConcrete(props.hostedZoneName)) {
    checkDomainName(construct, 'hostedZoneName', props.hostedZoneName.replace(/\.$/, ''));
    const names: [string, string][] = [[props.domainName, 'domainName'], ...extra.names.map((name): [string, string] => [name, extra.prop])];
    for (const [name, prop] of names) {
      if (isConcrete(name) && !isInZone(name, props.hostedZoneName))
        throw new PropError(construct, prop, `"${name}" is not in hosted zone "${props.hostedZoneName}"`);
    }
  }
}

const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):(\d{12}):(global|regional)\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]{1,128}$/;

/**
 * A WAFv2 web ACL ARN of the scope its user needs: `CLOUDFRONT` (global, in us-east-1) for a
 * distribution, `REGIONAL` for an API Gateway stage.
 */
export function checkWebAclArn(construct: string, prop: string, arn: string | undefined, scope: 'CLOUDFRONT' | 'REGIONAL'): void {
  if (!isConcrete(arn)) return;
  const parts = WEB_ACL_ARN.exec(arn);
  if (scope === 'CLOUDFRONT') {
    if (!parts) throw new PropError(construct, prop, `"${arn}" is not a WAFv2 web ACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)`);
    if (parts[3] === 'regional') {
      throw new PropError(
        construct,
        prop,
        `"${arn}" is a REGIONAL web ACL; CloudFront needs a CLOUDFRONT-scope one (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)`,
      );
    }
    if (parts[1] !== 'us-east-1') throw new PropError(construct, prop, `is in ${parts[1]}; CLOUDFRONT-scope web ACLs are in us-east-1`);
  } else {
    if (!parts) throw new PropError(construct, prop, `"${arn}" is not a WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)`);
    if (parts[3] === 'global') {
      throw new PropError(construct, prop, `"${arn}" is a CLOUDFRONT-scope (global) web ACL; an API Gateway stage needs a REGIONAL one in the API's region`);
    }
  }
}
