import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** One datapoint of PutMetricData (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html). */
export interface MetricDatum {
  readonly metricName: string;
  readonly value: number;
  readonly unit: 'Count';
  readonly timestamp: Date;
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface MetricsSink {
  put(namespace: string, data: readonly MetricDatum[]): Promise<void>;
}

/**
 * PutMetricData over CloudWatch's Query API (form-encoded POST, Version 2010-08-01), signed with SigV4 for service
 * `monitoring`. The kit has no CloudWatch SDK client; this is the one call it makes. `endpoint` defaults to the
 * regional endpoint (reached through the VPC's `monitoring` interface endpoint, private DNS), or
 * `AWS_ENDPOINT_URL_CLOUDWATCH` as the SDKs read it.
 */
export class CloudWatchQueryMetrics implements MetricsSink {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(options: { region: string; credentials: AwsCredentialIdentityProvider; endpoint?: string }) {
    this.signer = new SignatureV4({ service: 'monitoring', region: options.region, credentials: options.credentials, sha256: Sha256 });
    this.url = new URL(options.endpoint ?? `https://monitoring.${options.region}.amazonaws.com/`);
  }

  async put(namespace: string, data: readonly MetricDatum[]): Promise<void> {
    const form = new URLSearchParams({ Action: 'PutMetricData', Version: '2010-08-01', Namespace: namespace });
    data.forEach((d, i) => {
      const m = `MetricData.member.${i + 1}`;
      form.set(`${m}.MetricName`, d.metricName);
      form.set(`${m}.Value`, String(d.value));
      form.set(`${m}.Unit`, d.unit);
      form.set(`${m}.Timestamp`, d.timestamp.toISOString());
      Object.entries(d.dimensions).forEach(([name, value], j) => {
        form.set(`${m}.Dimensions.member.${j + 1}.Name`, name);
        form.set(`${m}.Dimensions.member.${j + 1}.Value`, value);
      });
    });
    const body = form.toString();
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path: this.url.pathname || '/',
      headers: { host: this.url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    const signed = await this.signer.sign(request);
    const response = await fetch(this.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    if (!response.ok) {
      const text = await response.text();
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
      const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200);
      throw Object.assign(new Error(`PutMetricData to ${namespace} failed: ${code}: ${message}`), { name: code });
    }
  }
}
