import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DmsCertificate, PostgresTargetEndpoint } from '../../../modules/dms-migration';
import { newStack, one, PG_SECRET, synth } from './helpers';

// Certificates and keys are made by openssl for each run (no fixture PEM): a self-signed CA, a second one for a
// bundle, and the CA's private key for the refusal.
let dir: string;
let caPem: string;
let keyPem: string;
let bundlePem: string;

function makeCa(name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dms-cert-'));
  const a = makeCa('kit-test-ca-a');
  const b = makeCa('kit-test-ca-b');
  caPem = a.cert;
  keyPem = a.key;
  bundlePem = a.cert + b.cert;
  writeFileSync(join(dir, 'bundle.pem'), bundlePem);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DmsCertificate', () => {
  test('creates aws_dms_certificate from PEM text, named by the stack, and a verify-full endpoint takes its ARN', () => {
    const stack = newStack();
    const ca = new DmsCertificate(stack, 'ca', { component: 'db', pem: caPem });
    new PostgresTargetEndpoint(stack, 't', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, sslMode: 'verify-full', certificateArn: ca.certificateArn });
    const out = synth(stack);
    expect(one(out, 'aws_dms_certificate')).toEqual({ certificate_id: 'demo-staging-db-ca', certificate_pem: caPem });
    expect(one(out, 'aws_dms_endpoint')).toMatchObject({ ssl_mode: 'verify-full', certificate_arn: expect.stringMatching(/^\$\{aws_dms_certificate\.ca_certificate_[0-9A-F]+\.certificate_arn\}$/) });
    expect(ca.subjects).toEqual(['CN=kit-test-ca-a']);
  });

  test('reads a bundle file at synth and parses every certificate in it', () => {
    const stack = newStack();
    const ca = new DmsCertificate(stack, 'ca', { component: 'rds', pemFile: join(dir, 'bundle.pem') });
    expect(ca.subjects).toEqual(['CN=kit-test-ca-a', 'CN=kit-test-ca-b']);
    expect(one(synth(stack), 'aws_dms_certificate').certificate_pem).toBe(bundlePem);
  });

  test('fails when the PEM holds a private key (it would land in cdktf.out and the state)', () => {
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db', pem: caPem + keyPem })).toThrow(
      'test/ca: pem contains a PRIVATE KEY. A DMS certificate is the CA that signed the database\'s server certificate: public',
    );
    writeFileSync(join(dir, 'key.pem'), keyPem);
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db', pemFile: join(dir, 'key.pem') })).toThrow(`test/ca: pemFile ${join(dir, 'key.pem')} contains a PRIVATE KEY.`);
  });

  test('fails when the text is not a PEM certificate', () => {
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db', pem: 'hello' })).toThrow('test/ca: pem is not a PEM certificate: no -----BEGIN CERTIFICATE----- block.');
  });

  test('fails when a CERTIFICATE block is garbage', () => {
    const body = caPem.split('\n');
    body[3] = body[3].split('').reverse().join('');
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db', pem: body.join('\n') })).toThrow(/^test\/ca: pem: certificate 1 of 1 does not parse as X\.509/);
  });

  test('fails when the PEM holds another block type (a public key is not a certificate)', () => {
    const pub = execFileSync('openssl', ['pkey', '-pubout'], { input: keyPem }).toString();
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db', pem: caPem + pub })).toThrow('test/ca: pem holds a PEM block of type PUBLIC KEY; an aws_dms_certificate takes only CERTIFICATE blocks');
  });

  test('fails when neither or both of pem and pemFile are given, or the file is missing', () => {
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db' })).toThrow('test/ca: pass exactly one of pem (the PEM text) and pemFile (a path read at synth).');
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db', pem: caPem, pemFile: 'x.pem' })).toThrow('pass exactly one of pem');
    expect(() => new DmsCertificate(newStack(), 'ca', { component: 'db', pemFile: join(dir, 'missing.pem') })).toThrow(`test/ca: pemFile ${join(dir, 'missing.pem')} cannot be read (ENOENT)`);
  });
});
