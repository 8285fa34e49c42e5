/* Wrong props fail at synth with one PropError that lists every problem, one line per prop. */
import { ContactApi, CorsPreflight, PropError, StaticSite } from '../constructs';
import { makeSiteDir, MINIMAL_SITE, synthStack } from './support/synth';

function thrown(build: () => void): PropError {
  try {
    build();
  } catch (error) {
    if (error instanceof PropError) return error;
    throw error;
  }
  throw new Error('no PropError was thrown');
}

test('StaticSite: three wrong props, three lines, each naming its prop', () => {
  const siteDir = makeSiteDir(MINIMAL_SITE);
  const error = thrown(() =>
    synthStack(
      (stack) => new StaticSite(stack, 'site', { siteDir, priceClass: 'PriceClass_1' as never, hostedZoneName: 'example.com', webAclArn: 'not-an-arn' }),
    ),
  );
  expect(error.problems.map((p) => p.prop)).toEqual(['priceClass', 'hostedZoneName', 'webAclArn']);
  expect(error.message.split('\n')).toEqual([
    'StaticSite: priceClass "PriceClass_1" is not one of PriceClass_100, PriceClass_200, PriceClass_All',
    'StaticSite: hostedZoneName needs domainName',
    'StaticSite: webAclArn "not-an-arn" is not a WAFv2 web ACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)',
  ]);
});

test('StaticSite: a missing siteDir is reported with the other problems', () => {
  const error = thrown(() => synthStack((stack) => new StaticSite(stack, 'site', { siteDir: '/nonexistent/site', upload: 'rsync' as never })));
  expect(error.problems.map((p) => p.prop)).toEqual(['siteDir', 'upload']);
});

test('ContactApi: every wrong prop at once, the construct and prop on each line', () => {
  const error = thrown(() =>
    synthStack(
      (stack) =>
        new ContactApi(stack, 'contact', {
          allowedOrigins: ['https://www.example.com'],
          stageName: 'prod/v1',
          memorySize: 64,
          timeoutSeconds: 60,
          webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/a/0a1b2c3d',
          domainName: 'api.example.com',
        }),
    ),
  );
  expect(error.problems.map((p) => p.prop)).toEqual(['stageName', 'memorySize', 'timeoutSeconds', 'webAclArn', 'hostedZoneId']);
  for (const line of error.message.split('\n')) expect(line).toMatch(/^ContactApi: (stageName|memorySize|timeoutSeconds|webAclArn|hostedZoneId) /);
});

test('CorsPreflight: every wrong prop at once, including those of the CORS configuration', () => {
  const error = thrown(() =>
    synthStack(
      (stack) =>
        new CorsPreflight(stack, 'cors', {
          restApiId: 'api',
          resourceId: 'res',
          allowOrigins: ['https://a.example/'],
          allowMethods: ['FETCH'],
          maxAge: -1,
          preflightStatusCode: 301,
        }),
    ),
  );
  expect(error.problems.map((p) => p.prop)).toEqual(['allowOrigins', 'allowMethods', 'maxAge', 'preflightStatusCode']);
  for (const line of error.message.split('\n')) expect(line).toMatch(/^CorsPreflight: (allowOrigins|allowMethods|maxAge|preflightStatusCode) /);
});
