/**
 * Likely renames: an address that disappears while another of the same type (and mode) appears. To
 * Terraform those are two objects, so the deployed one is destroyed and a new one created; a construct id
 * or logical name changed in the code is the usual cause, and a `moved` block the usual cure (in cdktf and
 * cdktn: `resource.moveFromId('<old address>')` on the renamed resource).
 */

export interface AddressedObject {
  /** e.g. `aws_s3_bucket.site_bucket_7B14A155` or `data.aws_iam_policy_document.x` */
  readonly address: string;
  readonly type: string;
  /** `managed` (a resource) or `data`. */
  readonly mode: string;
}

export interface LikelyRename {
  readonly type: string;
  readonly mode: string;
  /** The address that disappears. */
  readonly from: string;
  /** The address of the same type that appears: the likely new name of `from`. */
  readonly to: string;
}

/**
 * Pairs each removed address with an added one of the same type and mode: within a type, the pair with the
 * longest common name prefix first (so `site_bucket_1` goes to `site_bucket_2`, not to `logs_bucket_9`),
 * then by address. Addresses left without a partner are not renames.
 */
export function likelyRenames(removed: readonly AddressedObject[], added: readonly AddressedObject[]): LikelyRename[] {
  const key = (o: AddressedObject) => `${o.mode} ${o.type}`;
  const renames: LikelyRename[] = [];
  for (const group of new Set(removed.map(key))) {
    const from = removed.filter((o) => key(o) === group).map((o) => o.address);
    const to = added.filter((o) => key(o) === group).map((o) => o.address);
    const candidates = from
      .flatMap((f) => to.map((t) => ({ f, t, shared: commonPrefixLength(f, t) })))
      .sort((a, b) => b.shared - a.shared || compare(a.f, b.f) || compare(a.t, b.t));
    const used = new Set<string>();
    for (const { f, t } of candidates) {
      if (used.has(f) || used.has(t)) continue;
      used.add(f).add(t);
      const sample = removed.find((o) => o.address === f)!;
      renames.push({ type: sample.type, mode: sample.mode, from: f, to: t });
    }
  }
  return renames.sort((a, b) => compare(a.from, b.from));
}

/** Type, mode and address of a plain address such as `aws_s3_bucket.x` or `data.aws_iam_policy_document.y`. */
export function parseAddress(address: string): AddressedObject {
  const parts = address.split('.');
  const data = parts[0] === 'data';
  return { address, mode: data ? 'data' : 'managed', type: parts[data ? 1 : 0] ?? '' };
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
