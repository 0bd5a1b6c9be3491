import { Construct } from 'constructs';
import { isResolved, ValidationError } from '../core';
import { DatabaseEndpointBase, DatabaseEndpointProps } from './endpoints';
import {
  needsRdsPathPrefix,
  ORACLE_CAPTURE_MODES,
  ORACLE_GUIDE,
  OracleCaptureMode,
  OracleEndpointOptions,
  oracleExtraConnectionAttributes,
  OracleSourceFacts,
  validateOracleCaptureMode,
  validateOracleOptions,
} from './oracle-mode';
import { EmptyLoginSecret, SecretRef } from './secrets';

/** `arn:<partition>:dms:<region>:<account>:cert:<id>` (an aws_dms_certificate). */
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:cert:[A-Za-z0-9-]+$/;

export interface OracleSourceEndpointProps extends Omit<DatabaseEndpointProps, 'secret' | 'serverName' | 'sslMode' | 'certificateArn' | 'databaseName'> {
  /** Host name or IP address of the Oracle listener. On premises: the IP (reached over the VPN; the task opens egress to it). */
  readonly serverAddress: string;
  /**
   * Listener port (the secret's `port` must match). RDS for Oracle serves TLS on the SSL option's own port (a second
   * port, Amazon RDS User Guide "Oracle Secure Sockets Layer"): give that one, since this endpoint always uses TLS.
   * @default 1521
   */
  readonly port?: number;
  /** The SID or service name DMS connects to; for a pluggable database, the PDB's service name. */
  readonly databaseName: string;
  /**
   * The DMS user's secret (`username`, `password`, `host` = `serverAddress`, `port`). @default a KMS-encrypted secret
   * created here without a value; the operator puts the value (`createdSecret.putSecretValueCommand`).
   */
  readonly secret?: SecretRef;
  /**
   * TLS: DMS Oracle endpoints support only the SSL modes `none` and `verify-ca`, with an Oracle wallet imported as a DMS
   * certificate instead of a .pem file (DMS guide, "SSL support for an Oracle endpoint"). `none` is not offered.
   * @default 'verify-ca'
   */
  readonly sslMode?: 'verify-ca';
  /**
   * The DMS certificate holding the Oracle wallet (`aws_dms_certificate` with `certificate_wallet`, e.g. the wallet
   * `orapki` makes from the RDS CA bundle). Required: without it DMS has no TLS mode for Oracle but `none`.
   */
  readonly certificateArn: string;
  /** How DMS reads the redo for change capture. Pick it with `pickOracleCaptureMode(facts)`. @default 'logminer' (DMS's default) */
  readonly mode?: OracleCaptureMode;
  /** What is known about the source; when given, combinations the DMS guide documents as unsupported fail at synth. */
  readonly facts?: OracleSourceFacts;
  /** Typed Oracle settings (become extra connection attributes). */
  readonly options?: OracleEndpointOptions;
}

/**
 * An Oracle source (self-managed on premises or EC2, RDS for Oracle, or OCI). The mode and facts set the extra
 * connection attributes; the source itself is prepared with templates/oracle/ (archiving, supplemental logging, the
 * DMS user) for that mode.
 */
export class OracleSourceEndpoint extends DatabaseEndpointBase {
  readonly endpointType = 'source' as const;
  readonly oracleCaptureMode: OracleCaptureMode;
  /** Set when this construct created the (empty) login secret: the operator puts its value. */
  readonly createdSecret?: EmptyLoginSecret;

  constructor(scope: Construct, id: string, props: OracleSourceEndpointProps) {
    const path = `${scope.node.path}/${id}`;
    const mode = props.mode ?? 'logminer';
    if (!(ORACLE_CAPTURE_MODES as readonly string[]).includes(mode)) {
      throw new ValidationError(path, `mode "${mode}" is not one of ${ORACLE_CAPTURE_MODES.join(', ')}.`);
    }
    const sslMode = (props.sslMode ?? 'verify-ca') as string;
    if (sslMode !== 'verify-ca') {
      throw new ValidationError(
        path,
        `sslMode "${sslMode}": DMS Oracle endpoints support only the SSL modes none and verify-ca (${ORACLE_GUIDE.ssl}), and none sends the login in clear text. Use sslMode 'verify-ca' (the default) with certificateArn.`,
      );
    }
    if (!props.certificateArn || (isResolved(props.certificateArn) && !CERTIFICATE_ARN.test(props.certificateArn))) {
      throw new ValidationError(
        path,
        `certificateArn ${props.certificateArn ? `"${props.certificateArn}" is not a DMS certificate ARN` : 'is not set'}: Oracle TLS (verify-ca) needs the Oracle wallet imported as a DMS certificate (${ORACLE_GUIDE.ssl}). Build the wallet with orapki from the server's CA (RDS: the region's CA bundle), create an aws_dms_certificate with certificate_wallet = filebase64("cwallet.sso"), and pass its certificate_arn.`,
      );
    }
    if (props.facts) {
      const problems = validateOracleCaptureMode(mode, props.facts);
      if (problems.length) throw new ValidationError(path, problems.join(' '));
    }
    const optionProblems = validateOracleOptions(mode, props.options, props.facts);
    if (optionProblems.length) throw new ValidationError(path, optionProblems.join(' '));
    if (needsRdsPathPrefix(mode, props.facts) && !isResolved(props.databaseName)) {
      throw new ValidationError(path, `databaseName must be a literal for Binary Reader on RDS for Oracle ${props.facts?.version}: it is part of oraclePathPrefix (/rdsdbdata/db/<DATABASE_NAME>_A/, ${ORACLE_GUIDE.rdsBinaryReader}).`);
    }
    const hosting = props.facts?.hosting ?? 'self-managed';
    let created: EmptyLoginSecret | undefined;
    // The base endpoint admits only 'require' and 'verify-full' (the other engines' modes); Oracle's is 'verify-ca'.
    // It is given verify-full with the wallet certificate to pass that check, and ssl_mode is set to verify-ca below.
    super(
      scope,
      id,
      { ...props, serverName: props.serverAddress, secret: props.secret ?? { secretArn: '' }, sslMode: 'verify-full', certificateArn: props.certificateArn },
      {
        engineName: 'oracle',
        endpointType: 'source',
        defaultPort: 1521,
        extraConnectionAttributes: oracleExtraConnectionAttributes(mode, props.options, props.facts, props.databaseName),
        secretFactory: props.secret
          ? undefined
          : (self) =>
              (created = new EmptyLoginSecret(self, 'login', {
                component: props.component,
                description: `Oracle user DMS logs in with (${mode}, ${hosting})`,
                host: isResolved(props.serverAddress) ? props.serverAddress : undefined,
                port: props.port ?? 1521,
              })),
        onPremisesEgress: (server, port) => `DMS to Oracle ${server}:${port} (on premises: over the VPN; open the firewall for the DMS subnets)`,
      },
    );
    this.endpoint.sslMode = 'verify-ca';
    this.oracleCaptureMode = mode;
    this.createdSecret = created;
  }
}
