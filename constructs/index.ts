export * from './static-site';
export * from './contact-api';
export * from './cors-preflight';
export { suppressRule, suppressionsOf } from './internal/suppressions';
export type { RuleSuppression } from './internal/suppressions';
