import { readFileSync } from 'fs';
import { X509Certificate } from 'crypto';
import { Construct } from 'constructs';
import { DmsCertificate as DmsCertificateResource } from '@cdktf/provider-aws/lib/dms-certificate';
import { isResolved, MigrationStack, ValidationError } from '../core';

export interface DmsCertificateProps {
  /** Component for the physical name: the certificate identifier is `${project}-${env}-${component}-ca`. */
  readonly component: string;
  /**
   * The CA certificate(s) as PEM text, e.g. a database's CA or the RDS global bundle. Public data: it is written to
   * cdktf.out and the state as is. One of `pem` and `pemFile`.
   */
  readonly pem?: string;
  /** A PEM file read at synth (relative to the working directory of `cdktf synth`). One of `pem` and `pemFile`. */
  readonly pemFile?: string;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const ANY_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/**
 * Checks that `pem` holds only X.509 certificates (each parsed with Node's `crypto.X509Certificate`) and no key.
 * Returns the subjects, first to last. Throws a plain Error with the reason; the construct adds its path.
 */
export function parseCertificatePem(pem: string, source: string): string[] {
  // A key is a secret: as a resource argument it would be written in clear text to cdktf.out and the state.
  if (/PRIVATE KEY/.test(pem)) {
    throw new Error(
      `${source} contains a PRIVATE KEY. A DMS certificate is the CA that signed the database's server certificate: public, and written as is to cdktf.out and the Terraform state; a key is a secret and must never be. Pass only the CA certificate(s) (-----BEGIN CERTIFICATE----- blocks).`,
    );
  }
  const others = [...pem.matchAll(ANY_BLOCK)].map((m) => m[1]).filter((kind) => kind !== 'CERTIFICATE');
  if (others.length) {
    throw new Error(`${source} holds a PEM block of type ${[...new Set(others)].join(', ')}; an aws_dms_certificate takes only CERTIFICATE blocks (the CA that signed the database's certificate).`);
  }
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new Error(`${source} is not a PEM certificate: no -----BEGIN CERTIFICATE----- block. Download the CA as PEM (e.g. https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem), or convert DER with 'openssl x509 -inform der -in ca.cer -out ca.pem'.`);
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block).subject.replace(/\n/g, ', ');
    } catch (e) {
      throw new Error(`${source}: certificate ${i + 1} of ${blocks.length} does not parse as X.509 (${(e as Error).message}).`);
    }
  });
}

/**
 * An `aws_dms_certificate` from a PEM (a file read at synth, or the text): the CA an endpoint with
 * `sslMode: 'verify-full'` checks the server's certificate against. Refuses at synth anything that is not PEM
 * certificates, and any private key.
 *
 * ```ts
 * const ca = new DmsCertificate(this, 'rds-ca', { component: 'rds', pemFile: 'certs/global-bundle.pem' });
 * new PostgresTargetEndpoint(this, 'target', { ..., sslMode: 'verify-full', certificateArn: ca.certificateArn });
 * ```
 */
export class DmsCertificate extends Construct {
  readonly certificate: DmsCertificateResource;
  readonly certificateArn: string;
  /** Subjects of the certificates in the PEM, first to last (empty when the PEM is a token resolved at plan). */
  readonly subjects: string[];

  constructor(scope: Construct, id: string, props: DmsCertificateProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    if ((props.pem === undefined) === (props.pemFile === undefined)) {
      throw new ValidationError(this, 'pass exactly one of pem (the PEM text) and pemFile (a path read at synth).');
    }
    let pem: string;
    if (props.pemFile !== undefined) {
      try {
        pem = readFileSync(props.pemFile, 'utf8');
      } catch (e) {
        throw new ValidationError(this, `pemFile ${props.pemFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the path is relative to where cdktf synth runs.`);
      }
    } else {
      pem = props.pem!;
    }
    const source = props.pemFile !== undefined ? `pemFile ${props.pemFile}` : 'pem';
    try {
      this.subjects = isResolved(pem) ? parseCertificatePem(pem, source) : [];
    } catch (e) {
      throw new ValidationError(this, (e as Error).message);
    }
    this.certificate = new DmsCertificateResource(this, 'certificate', {
      certificateId: stack.naming.name(`${props.component}-ca`, 'dmsIdentifier'),
      certificatePem: pem,
    });
    this.certificateArn = this.certificate.certificateArn;
  }
}
