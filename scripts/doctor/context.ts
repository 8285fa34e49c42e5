/** What every layer's checks get: the target, the network, the clock, and the answers they share. */
import { httpFetch, type HttpAnswer, type Network } from './net';
import type { Target } from './target';

export interface DoctorContext {
  readonly target: Target;
  readonly network: Network;
  readonly now: () => Date;
  readonly submit: boolean;
  /** The contact endpoint: the target's, else the one the site's config.json names (found by the CloudFront + S3 checks). */
  api?: URL;
  /** A GET of `url`, made once and shared by the layers that look at it (the site's `/`). */
  get(url: URL): Promise<HttpAnswer>;
}

export function createContext(target: Target, network: Network, options: { now?: () => Date; submit?: boolean } = {}): DoctorContext {
  const answers = new Map<string, Promise<HttpAnswer>>();
  return {
    target,
    network,
    now: options.now ?? (() => new Date()),
    submit: options.submit ?? false,
    api: target.api,
    get(url) {
      let answer = answers.get(url.href);
      if (answer === undefined) {
        answer = httpFetch(network, url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
        answers.set(url.href, answer);
      }
      return answer;
    },
  };
}

/** Every name of the site: the canonical one first, then those that redirect to it. */
export const siteNames = (target: Target): string[] => [target.site.hostname, ...target.redirectNames];

/** An http:// site is a local preview: no CloudFront, no TLS. */
export const isLocalPreview = (target: Target): boolean => target.site.protocol === 'http:';

/** The same URL on another name (same scheme and port). */
export function onName(site: URL, name: string, path = '/'): URL {
  const url = new URL(path, site);
  url.hostname = name;
  return url;
}
