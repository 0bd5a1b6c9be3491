import { Construct } from 'constructs';
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DmsEndpoint, DmsEndpointConfig } from '@cdktf/provider-aws/lib/dms-endpoint';
import { checkCidr, Fn, IConnectable, isResolved, MigrationStack, newKmsKey, ValidationError } from '../core';
import { applyOverrides, DmsEndpointOverrides, egressCidrWithConnections, IDmsEndpoint, noNetworkPath } from './endpoints';
import { IDmsReplicationInstance } from './replication-instance';

/**
 * DMS User Guide, "Using Apache Kafka as a target for AWS Database Migration Service": endpoint settings, "Connecting
 * to Kafka using Transport Layer Security (TLS)", limitations, and object mapping (`kafka-target-topic`).
 */
export const KAFKA_TARGET_GUIDE = 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.Kafka.html';
/** DMS API, KafkaSettings: the setting names and values. */
export const KAFKA_SETTINGS_API = 'https://docs.aws.amazon.com/dms/latest/APIReference/API_KafkaSettings.html';

/** KafkaSettings.SecurityProtocol without `plaintext`: the kit offers no clear-text connections. */
export type KafkaSecurityProtocol = 'ssl-encryption' | 'ssl-authentication' | 'sasl-ssl';
const PROTOCOLS: readonly string[] = ['ssl-encryption', 'ssl-authentication', 'sasl-ssl'];

/** The parts of an `aws_msk_cluster` the endpoint reads (its bootstrap broker strings, `host:port,host:port`). */
export interface MskClusterLike {
  /** TLS listeners (MSK port 9094): for `ssl-encryption` and `ssl-authentication`. */
  readonly bootstrapBrokersTls: string;
  /** SASL/SCRAM listeners (MSK port 9096): for `sasl-ssl`. */
  readonly bootstrapBrokersSaslScram: string;
}

/** A value read from a Secrets Manager secret at plan time (never written into cdktf.out). */
export interface KafkaSecretField {
  /** The secret (for MSK SASL/SCRAM: the `AmazonMSK_...` secret associated with the cluster). */
  readonly secretArn: string;
  /** JSON key of the value. */
  readonly key?: string;
}

export interface KafkaTargetEndpointProps {
  readonly component: string;
  /** The brokers: an MSK cluster (its TLS or SASL/SCRAM bootstrap string follows `securityProtocol`), or `host:port` entries. */
  readonly brokers: { readonly cluster: MskClusterLike } | readonly string[];
  /**
   * `ssl-encryption`: TLS, the client checks the brokers' certificate. `ssl-authentication`: mutual TLS with a client
   * certificate. `sasl-ssl`: user name and password (SASL) over TLS. `plaintext` is refused.
   * @default 'ssl-encryption'
   */
  readonly securityProtocol?: KafkaSecurityProtocol;
  /** A private CA of a self-managed cluster (`aws_dms_certificate` ARN). Not with `sasl-ssl`: DMS supports only public-CA SASL/SSL. */
  readonly caCertificateArn?: string;
  /** `ssl-authentication`: the client certificate (`aws_dms_certificate` ARN). */
  readonly clientCertificateArn?: string;
  /** `ssl-authentication`: the client's encrypted private key (`aws_dms_certificate` ARN). */
  readonly clientKeyArn?: string;
  /** `ssl-authentication`: the private key's password. @default key 'password' */
  readonly clientKeyPassword?: KafkaSecretField;
  /**
   * `sasl-ssl`: the secret holding the SASL login as JSON `username` and `password` (the shape MSK SCRAM secrets have).
   * Its keys can be renamed with `usernameKey` / `passwordKey`.
   */
  readonly saslSecret?: { readonly secretArn: string; readonly usernameKey?: string; readonly passwordKey?: string };
  /** `sasl-ssl`: @default 'scram-sha-512' (the one MSK supports); 'plain' only for self-managed clusters */
  readonly saslMechanism?: 'scram-sha-512' | 'plain';
  /**
   * The one topic every table goes to. For a topic per table, add `TableMappings.mapToKafkaTopic(...)` rules; tables
   * without one go here. @default DMS's `kafka-default-topic`
   */
  readonly topic?: string;
  /** `json` or `json-unformatted` (one line, no tabs). @default 'json' */
  readonly messageFormat?: 'json' | 'json-unformatted';
  /** Largest message in bytes (DMS supports at most 1 MiB). @default DMS's 1000000 (not emitted) */
  readonly messageMaxBytes?: number;
  /** Transaction id, previous transaction id and log position in each message. @default true */
  readonly includeTransactionDetails?: boolean;
  /** Control records for create/drop/alter table (consumers must skip them). @default true */
  readonly includeTableAlterOperations?: boolean;
  /**
   * The ports the brokers listen on, when `brokers` has entries known only at plan (tokens, e.g. another resource's
   * attribute): their ports cannot be read at synth, and `connections` / `egressCidr` open the replication instance's
   * path on these. Required then; with `host:port` literals the ports come from the entries (these are added).
   */
  readonly brokerPorts?: readonly number[];
  /** The brokers' security group: the task admits the replication instance on the broker ports. */
  readonly connections?: IConnectable;
  /**
   * The network the brokers are in when they have no security group here (`connections`), e.g. `10.30.0.0/16` for a
   * cluster in a peered VPC: the task adds egress from the replication instance to it on the broker ports. A task
   * fails at synth when the endpoint has neither: the instance's security group allows egress only to the sources and
   * targets it is told about.
   */
  readonly egressCidr?: string;
  /**
   * CMK that encrypts the endpoint's connection settings (CreateEndpoint KmsKeyId), which hold the SASL or client-key
   * password. Changing it replaces the endpoint (ModifyEndpoint takes no key).
   * @default with a password (`sasl-ssl`, `ssl-authentication`): a key created here, rotation on; without one: DMS's
   * default key (aws/dms)
   */
  readonly kmsKeyArn?: string;
  /**
   * Escape hatch: `aws_dms_endpoint` arguments the typed props do not cover (e.g. `{ kafkaSettings: { noHexPrefix: true } }`,
   * `{ tags }`), applied after the module's values; a `kafkaSettings` block is merged key by key. Keys a typed prop
   * sets (brokers, protocol, login, certificates, topic, message settings) and every password are refused at synth.
   */
  readonly overrides?: DmsEndpointOverrides;
}

/** What the Kafka endpoint owns on `aws_dms_endpoint`, and the typed prop to use instead (refused in `overrides`). */
const KAFKA_OWNED: Readonly<Record<string, string>> = {
  endpointId: 'component (the physical name derives from it)',
  endpointType: 'the construct (KafkaTargetEndpoint is a target)',
  engineName: 'the construct (engine kafka)',
  username: 'saslSecret (the SASL login is read from Secrets Manager at plan time)',
  serverName: 'brokers',
  port: 'brokers',
  secretsManagerArn: 'saslSecret (KafkaSettings takes no secret reference; the login is read at plan time)',
  secretsManagerAccessRoleArn: 'saslSecret',
  sslMode: 'securityProtocol',
  certificateArn: 'caCertificateArn (kafkaSettings.sslCaCertificateArn)',
  kmsKeyArn: 'kmsKeyArn',
  extraConnectionAttributes: 'the typed props or overrides.kafkaSettings',
  'kafkaSettings.broker': 'brokers',
  'kafkaSettings.topic': 'topic',
  'kafkaSettings.securityProtocol': 'securityProtocol',
  'kafkaSettings.saslMechanism': 'saslMechanism',
  'kafkaSettings.saslUsername': 'saslSecret (usernameKey)',
  'kafkaSettings.sslCaCertificateArn': 'caCertificateArn',
  'kafkaSettings.sslClientCertificateArn': 'clientCertificateArn',
  'kafkaSettings.sslClientKeyArn': 'clientKeyArn',
  'kafkaSettings.messageFormat': 'messageFormat',
  'kafkaSettings.messageMaxBytes': 'messageMaxBytes',
  'kafkaSettings.includeTransactionDetails': 'includeTransactionDetails',
  'kafkaSettings.includeTableAlterOperations': 'includeTableAlterOperations',
};

const BROKER = /^[A-Za-z0-9.-]+:(\d{1,5})$/;
const TOPIC = /^[A-Za-z0-9._-]{1,255}$/;

/** Why `topic` is not a topic name DMS accepts (undefined when it is). */
export function kafkaTopicProblem(topic: string): string | undefined {
  if (!isResolved(topic)) return undefined;
  if (!TOPIC.test(topic)) return `topic "${topic}" must be 1-255 letters, digits, ".", "_" or "-" (${KAFKA_TARGET_GUIDE}).`;
  if (topic.includes('.') && topic.includes('_')) {
    return `topic "${topic}" mixes "." and "_", which "can collide in internal data structures" (${KAFKA_TARGET_GUIDE}); use one of them.`;
  }
  return undefined;
}

/**
 * A Kafka / Amazon MSK target: each change is a JSON message (`data` + `metadata`), partitioned by schema.table and
 * primary key. Over TLS only. Passwords (SASL, client key) are read from Secrets Manager by Terraform at plan time: the
 * DMS API takes them only as values (KafkaSettings has no secret reference), so they are in the Terraform state
 * (sensitive) but never in cdktf.out.
 */
export class KafkaTargetEndpoint extends Construct implements IDmsEndpoint {
  readonly endpoint: DmsEndpoint;
  readonly endpointArn: string;
  readonly endpointType = 'target' as const;
  readonly engineName = 'kafka';
  readonly targetKind = 'kafka' as const;
  readonly securityProtocol: KafkaSecurityProtocol;
  /** Broker ports the replication instance is admitted on (`connections`) or gets egress on (`egressCidr`). */
  readonly ports: readonly number[];
  /** The CMK encrypting the connection settings (given, or created when the endpoint holds a password). */
  readonly kmsKeyArn?: string;
  private readonly peer?: IConnectable;
  private readonly egressCidr?: string;
  /** The brokers as a refusal names them: the listed host:port pairs, or the MSK cluster's port. */
  private readonly brokersLabel: string;

  constructor(scope: Construct, id: string, props: KafkaTargetEndpointProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(this, message);
    };
    const given = props as unknown as Record<string, unknown>;
    for (const literal of ['saslPassword', 'sslClientKeyPassword']) {
      if (given[literal] !== undefined) {
        fail(`${literal} would put the password into cdktf.out in clear text. Store it in Secrets Manager and pass ${literal === 'saslPassword' ? 'saslSecret: { secretArn }' : 'clientKeyPassword: { secretArn, key }'}.`);
      }
    }
    const protocol = (props.securityProtocol ?? 'ssl-encryption') as string;
    if (!PROTOCOLS.includes(protocol)) {
      fail(
        `securityProtocol "${protocol}" ${protocol === 'plaintext' ? 'sends the change data in clear text' : 'is not a KafkaSettings.SecurityProtocol'}; use 'ssl-encryption' (TLS), 'ssl-authentication' (mutual TLS) or 'sasl-ssl' (SASL over TLS) (${KAFKA_SETTINGS_API}).`,
      );
    }
    this.securityProtocol = protocol as KafkaSecurityProtocol;
    const sasl = protocol === 'sasl-ssl';
    const mutual = protocol === 'ssl-authentication';
    if (sasl && !props.saslSecret) fail("securityProtocol 'sasl-ssl' needs saslSecret: the Secrets Manager secret holding the SASL username and password (for MSK, the AmazonMSK_ secret associated with the cluster).");
    if (!sasl && (props.saslSecret || props.saslMechanism)) fail(`saslSecret and saslMechanism are for securityProtocol 'sasl-ssl'; this endpoint uses '${protocol}'. Drop them or switch the protocol.`);
    if (sasl && props.caCertificateArn) {
      fail(`caCertificateArn is set with 'sasl-ssl', but DMS "supports only public CA backed SASL/SSL" (${KAFKA_TARGET_GUIDE}). Use 'ssl-authentication' with the private CA, or drop caCertificateArn.`);
    }
    if (mutual && (!props.clientCertificateArn || !props.clientKeyArn || !props.clientKeyPassword)) {
      fail("securityProtocol 'ssl-authentication' needs clientCertificateArn and clientKeyArn (aws_dms_certificate ARNs of the client certificate and its encrypted private key) and clientKeyPassword (the key's password in Secrets Manager).");
    }
    if (!mutual && (props.clientCertificateArn || props.clientKeyArn || props.clientKeyPassword)) {
      fail(`clientCertificateArn, clientKeyArn and clientKeyPassword are for securityProtocol 'ssl-authentication'; this endpoint uses '${protocol}'. Drop them or switch the protocol.`);
    }
    const mechanism = props.saslMechanism ?? (sasl ? 'scram-sha-512' : undefined);
    if (mechanism !== undefined && mechanism !== 'scram-sha-512' && mechanism !== 'plain') fail(`saslMechanism "${String(mechanism)}" is not one of scram-sha-512, plain (${KAFKA_SETTINGS_API}).`);

    let broker: string;
    let ports: number[];
    let brokersLabel: string;
    if ('cluster' in props.brokers) {
      if (props.brokerPorts !== undefined) fail(`brokerPorts is for a list of brokers; an MSK cluster's port follows securityProtocol (9094 TLS, 9096 SASL/SCRAM). Drop brokerPorts.`);
      if (mechanism === 'plain') fail("saslMechanism 'plain' with an MSK cluster: MSK's SASL/SCRAM listeners take SCRAM-SHA-512 only. Drop saslMechanism.");
      broker = sasl ? props.brokers.cluster.bootstrapBrokersSaslScram : props.brokers.cluster.bootstrapBrokersTls;
      // MSK's client ports: 9094 TLS, 9096 SASL/SCRAM (MSK Developer Guide, "Port information").
      ports = [sasl ? 9096 : 9094];
      brokersLabel = `the MSK cluster's brokers on port ${ports[0]}`;
    } else {
      const list = props.brokers;
      if (list.length === 0) fail('brokers is empty; pass the MSK cluster ({ cluster }) or at least one "host:port".');
      ports = [];
      const tokens = list.filter((b) => !isResolved(b)).length;
      if (tokens > 0 && props.brokerPorts === undefined) {
        fail(`brokers has ${tokens} entr${tokens === 1 ? 'y' : 'ies'} known only at plan (a token), whose port cannot be read at synth: the replication instance would get no security-group rule to those brokers. Pass brokerPorts with the ports they listen on, e.g. brokerPorts: [9094].`);
      }
      for (const port of props.brokerPorts ?? []) {
        if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`brokerPorts entry ${port} is not a port (an integer from 1 to 65535).`);
        if (!ports.includes(port)) ports.push(port);
      }
      for (const b of list) {
        if (!isResolved(b)) continue;
        const m = BROKER.exec(b);
        const port = m ? Number(m[1]) : NaN;
        if (!m || port < 1 || port > 65535) fail(`brokers entry "${b}" is not "host:port" (KafkaSettings.Broker: broker-hostname-or-ip:port, ${KAFKA_SETTINGS_API}).`);
        if (!ports.includes(port)) ports.push(port);
      }
      broker = list.join(',');
      brokersLabel = `the Kafka brokers ${list.join(', ')}`;
    }
    if (props.topic !== undefined) {
      const problem = kafkaTopicProblem(props.topic);
      if (problem) fail(problem);
    }
    const format = props.messageFormat ?? 'json';
    if (format !== 'json' && format !== 'json-unformatted') fail(`messageFormat "${String(format)}" is not one of json, json-unformatted (${KAFKA_SETTINGS_API}).`);
    const maxBytes = props.messageMaxBytes;
    if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 1048576)) {
      fail(`messageMaxBytes ${maxBytes} is outside 1-1048576: DMS "supports a maximum message size of 1 MiB for a Kafka target" (${KAFKA_TARGET_GUIDE}).`);
    }

    // Plan-time reads: the synthesized JSON holds only the expression, the value lives in (sensitive) state.
    const read = (cid: string, secretArn: string) => new DataAwsSecretsmanagerSecretVersion(this, cid, { secretId: secretArn });
    const field = (version: DataAwsSecretsmanagerSecretVersion, key: string): string => Fn.lookup(Fn.jsondecode(version.secretString), key) as string;
    const login = props.saslSecret ? read('sasl-login', props.saslSecret.secretArn) : undefined;
    const saslUsername = login ? field(login, props.saslSecret?.usernameKey ?? 'username') : undefined;
    const saslPassword = login ? field(login, props.saslSecret?.passwordKey ?? 'password') : undefined;
    const keyPassword = props.clientKeyPassword ? field(read('client-key-password', props.clientKeyPassword.secretArn), props.clientKeyPassword.key ?? 'password') : undefined;

    // The password is part of the endpoint's connection settings: encrypt them with a key this stack controls, as the
    // login secrets of database endpoints are (DMS API, CreateEndpoint KmsKeyId: "used to encrypt the connection
    // parameters for the endpoint"; without it DMS uses the account's default key).
    this.kmsKeyArn =
      props.kmsKeyArn ?? (saslPassword !== undefined || keyPassword !== undefined ? newKmsKey(this, 'key', `${props.component}-kafka`, `Encrypts the DMS Kafka endpoint settings of ${stack.naming.name(props.component)} (they hold a password)`).arn : undefined);
    const config: DmsEndpointConfig = {
      endpointId: stack.naming.name(`${props.component}-target`, 'dmsIdentifier'),
      endpointType: 'target',
      engineName: 'kafka',
      kmsKeyArn: this.kmsKeyArn,
      kafkaSettings: {
        broker,
        topic: props.topic,
        securityProtocol: protocol,
        saslMechanism: mechanism,
        saslUsername,
        saslPassword,
        sslCaCertificateArn: props.caCertificateArn,
        sslClientCertificateArn: props.clientCertificateArn,
        sslClientKeyArn: props.clientKeyArn,
        sslClientKeyPassword: keyPassword,
        messageFormat: format,
        messageMaxBytes: maxBytes,
        includeControlDetails: true,
        includeTransactionDetails: props.includeTransactionDetails ?? true,
        includePartitionValue: true,
        partitionIncludeSchemaTable: true,
        includeTableAlterOperations: props.includeTableAlterOperations ?? true,
        includeNullAndEmpty: true,
      },
    };
    this.endpoint = new DmsEndpoint(this, 'endpoint', applyOverrides(this, config, props.overrides, KAFKA_OWNED));
    this.endpointArn = this.endpoint.endpointArn;
    this.ports = ports;
    this.brokersLabel = brokersLabel;
    this.peer = props.connections;
    if (props.egressCidr !== undefined) {
      if (props.connections) fail(egressCidrWithConnections('brokers'));
      checkCidr(this, 'egressCidr', props.egressCidr);
      this.egressCidr = props.egressCidr;
    }
  }

  bind(instance: IDmsReplicationInstance): void {
    const peer = this.peer;
    const cidr = this.egressCidr;
    if (!peer && !cidr) throw new ValidationError(this, noNetworkPath(this.brokersLabel, instance, 'brokers'));
    for (const port of this.ports) {
      if (peer) peer.connections.allowFrom(instance, port, `DMS ${instance.replicationInstanceId} to Kafka brokers`);
      else if (cidr) instance.allowEgressToCidr(cidr, port, `DMS ${instance.replicationInstanceId} to Kafka brokers (${cidr})`);
    }
  }
}
