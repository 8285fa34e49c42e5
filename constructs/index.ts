export * from './static-site';
export * from './contact-api';
export * from './cors-preflight';
