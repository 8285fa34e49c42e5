/* What the package exports, by name: adding or removing one is a decision, made here. */
import * as checks from '../checks';
import * as constructs from '../constructs';

test('cdktf-contact-site exports the three constructs, the suppression helpers and PropError, nothing internal', () => {
  expect(Object.keys(constructs).sort()).toEqual([
    'ContactApi',
    'ContactNotifications',
    'CorsPreflight',
    'PropError',
    'StaticSite',
    'suppressRule',
    'suppressionsOf',
  ]);
});

test('cdktf-contact-site/checks exports checkStack, its rules and report, and the checkov files', () => {
  expect(Object.keys(checks).sort()).toEqual([
    'DEFAULT_RULES',
    'LAMBDA_RUNTIME_DEPRECATION',
    'checkStack',
    'checkovFiles',
    'checkovInput',
    'checkovSkips',
    'formatReport',
    'isCheckovId',
    'lambdaRuntimeRule',
    'stackView',
  ]);
});

test('a wrong prop is a PropError that a stack can catch by class', () => {
  expect(() => new constructs.PropError('StaticSite', 'siteDir', 'is required')).not.toThrow();
  const error = new constructs.PropError('StaticSite', 'siteDir', 'is required');
  expect(error).toBeInstanceOf(Error);
  expect(error.message).toBe('StaticSite: siteDir is required');
});
