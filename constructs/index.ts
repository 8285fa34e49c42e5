/**
 * The public API of cdktf-contact-site: what a stack imports. Everything else under constructs/ is
 * internal and may change in any release; `__tests__/public-api.test.ts` lists these names, so that
 * adding or removing one is a decision.
 */
// First: a missing cdktf (or cdktn) fails here with what to install, not with a bare "Cannot find module".
import './internal/framework';

export { StaticSite } from './static-site';
export type {
  GeneratedSiteFile,
  PriceClass,
  StaticSiteAccessLogging,
  StaticSiteBucketAccessLogging,
  StaticSiteProps,
  StaticSiteUpload,
} from './static-site-props';
export { ContactApi } from './contact-api';
export type { ContactApiProps, ContactApiRuntime, ContactNotify } from './contact-api-props';
export { ContactNotifications } from './contact-notifications';
export { CorsPreflight } from './cors-preflight';
export type { CorsPreflightProps } from './cors-preflight-props';
export { suppressRule, suppressionsOf } from './internal/suppressions';
export type { RuleSuppression } from './internal/suppressions';
export { PropError } from './internal/validate';
