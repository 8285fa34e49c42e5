/**
 * checkov itself (pinned in .venv) on every configuration the terraform suite validates, and the packed
 * library in a consumer project:
 * - checkStack agrees with it per resource and rule id, for every id both know, except where the
 *   README's agreement table says why not;
 * - without our config, exactly the checkov checks the constructs suppress fail (each suppression is
 *   needed, and nothing fails that has no recorded reason);
 * - with the config `npm run review -- --checkov-config` writes, nothing fails.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkStack, DEFAULT_RULES, isCheckovId, stackView } from '../../checks';
import { packAndSynthConsumer } from '../support/consumer';
import { CheckovVerdict, runCheckov } from './support/checkov';
import { CONFIGURATIONS } from './support/configurations';

const PROJECT = resolve(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'checkov-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const OUR_CHECKOV_IDS = new Set(DEFAULT_RULES.map((rule) => rule.id).filter(isCheckovId));
const PINNED_VERSION = /^checkov==(\S+)$/m.exec(readFileSync(join(PROJECT, 'tools', 'python', 'requirements.in'), 'utf8'))?.[1];

/** The rule ids of the README's "checkStack and checkov" table: the disagreements it explains. */
function explainedRuleIds(): Set<string> {
  const readme = readFileSync(join(PROJECT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- checkov-agreement:start -->');
  const end = readme.indexOf('<!-- checkov-agreement:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no checkov agreement table (<!-- checkov-agreement:start/end --> markers)');
  return new Set([...readme.slice(start, end).matchAll(/^\| `(CKV2?_AWS_\d+)`/gm)].map((m) => m[1]!));
}

interface Disagreement {
  readonly ruleId: string;
  readonly address: string;
  readonly ours: string;
  readonly checkov: string;
}

/** Per resource and rule id: checkStack's verdict (a suppressed rule is a failure to checkov) against checkov's. */
function disagreements(json: string, verdicts: readonly CheckovVerdict[]): Disagreement[] {
  const report = checkStack(json);
  const theirs = new Map(verdicts.map((v) => [`${v.checkId} ${v.address}`, v.result]));
  const ours = new Map(
    report.results.filter((r) => OUR_CHECKOV_IDS.has(r.ruleId)).map((r) => [`${r.ruleId} ${r.address}`, r.status === 'pass' ? 'pass' : 'fail']),
  );
  const found: Disagreement[] = [];
  for (const [key, verdict] of ours) {
    const [ruleId, address] = key.split(' ') as [string, string];
    const other = theirs.get(key) ?? 'not evaluated';
    if (other !== verdict) found.push({ ruleId, address, ours: verdict, checkov: other });
  }
  for (const [key, verdict] of theirs) {
    const [ruleId, address] = key.split(' ') as [string, string];
    if (OUR_CHECKOV_IDS.has(ruleId) && !ours.has(key)) found.push({ ruleId, address, ours: 'not evaluated', checkov: verdict });
  }
  return found;
}

/** Every (checkov id, address) some resource of the stack suppresses. */
function suppressedCheckovFindings(json: string): string[] {
  return stackView(json)
    .resources.flatMap((r) => r.suppressions.filter((s) => isCheckovId(s.ruleId)).map((s) => `${s.ruleId} ${r.address}`))
    .sort();
}

const stacks: { name: string; synth: (dir: string) => string }[] = [
  ...CONFIGURATIONS,
  {
    name: 'the packed library in a consumer project',
    synth: (dir) => {
      mkdirSync(dir, { recursive: true });
      return packAndSynthConsumer(dir).stackDir;
    },
  },
];
const seenDisagreements = new Set<string>();

describe('checkov on every documented configuration', () => {
  test.each(stacks.map((stack, index) => [stack.name, index] as const))('%s', (_name, index) => {
    const stackDir = stacks[index]!.synth(join(work, `stack-${index}`));
    const json = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');

    const plain = runCheckov(stackDir, join(work, `plain-${index}`), { withConfig: false });
    expect(plain.version).toBe(PINNED_VERSION);
    expect(plain.parsingErrors).toBe(0);
    expect(plain.verdicts.length).toBeGreaterThan(0);

    const explained = explainedRuleIds();
    const found = disagreements(json, plain.verdicts);
    found.forEach((d) => seenDisagreements.add(d.ruleId));
    expect(found.filter((d) => !explained.has(d.ruleId))).toEqual([]);

    // Without our config: what fails is exactly what the constructs suppress, with a reason.
    const failing = plain.failed.map((v) => `${v.checkId} ${v.address}`).sort();
    expect(failing).toEqual(suppressedCheckovFindings(json));

    const configured = runCheckov(stackDir, join(work, `configured-${index}`), { withConfig: true });
    expect(configured.parsingErrors).toBe(0);
    expect(configured.failed).toEqual([]);
    // The skips hide those checks and nothing else (a skip covers a check id in this file, passes included).
    const skipped = new Set(configured.files.skips.map((skip) => skip.checkId));
    const key = (v: CheckovVerdict): string => `${v.result} ${v.checkId} ${v.address}`;
    expect(configured.verdicts.map(key).sort()).toEqual(
      plain.verdicts
        .filter((v) => !skipped.has(v.checkId))
        .map(key)
        .sort(),
    );
  });

  test('every row of the README agreement table is a disagreement seen above', () => {
    expect([...explainedRuleIds()].filter((id) => !seenDisagreements.has(id))).toEqual([]);
  });
});
