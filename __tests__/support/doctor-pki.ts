/**
 * A test CA and server certificates for the doctor's TLS tests, made with Debian's openssl in a temporary
 * folder: valid, for another name, expired, expiring soon. Nothing here is trusted outside the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
}

export interface TestPki {
  /** The CA's certificate (PEM), to trust in the test. */
  readonly ca: string;
  /** A certificate for `names`; `days` from now (validity), or `start`/`end` (`YYYYMMDDHHMMSSZ`) for one in the past. */
  issue(names: readonly string[], validity: { days: number } | { start: string; end: string }): TestCertificate;
  remove(): void;
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-pki-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=Doctor Test CA',
  );
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  let count = 0;
  return {
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    issue(names, validity) {
      const n = ++count;
      writeFileSync(
        join(dir, `ca${n}.cnf`),
        [
          '[ca]',
          'default_ca = test',
          '[test]',
          'database = index.txt',
          'new_certs_dir = .',
          'serial = serial',
          'default_md = sha256',
          'policy = any',
          'unique_subject = no',
          '[any]',
          'commonName = supplied',
          '[ext]',
          `subjectAltName = ${names.map((name) => `DNS:${name}`).join(',')}`,
          'basicConstraints = CA:FALSE',
          'extendedKeyUsage = serverAuth',
          '',
        ].join('\n'),
      );
      openssl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `leaf${n}.key`,
        '-out',
        `leaf${n}.csr`,
        '-subj',
        `/CN=${names[0]}`,
      );
      const dates = 'days' in validity ? ['-days', String(validity.days)] : ['-startdate', validity.start, '-enddate', validity.end];
      openssl(
        'ca',
        '-batch',
        '-notext',
        '-config',
        `ca${n}.cnf`,
        '-cert',
        'ca.pem',
        '-keyfile',
        'ca.key',
        '-in',
        `leaf${n}.csr`,
        '-out',
        `leaf${n}.pem`,
        '-extensions',
        'ext',
        ...dates,
      );
      return { key: readFileSync(join(dir, `leaf${n}.key`), 'utf8'), cert: readFileSync(join(dir, `leaf${n}.pem`), 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
