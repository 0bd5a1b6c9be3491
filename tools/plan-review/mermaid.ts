/**
 * A Mermaid flowchart of a stack model that GitHub renders: generated node ids, labels escaped with Mermaid's
 * entity codes, data flows as solid arrows and security-group permissions as dotted ones.
 */
import { FlowNode, NodeKind, StackModel } from './model';

/** Mermaid node shapes per kind: databases and buckets as cylinders, functions rounded, workflows as hexagons. */
const SHAPES: Record<NodeKind, [string, string]> = {
  database: ['[(', ')]'],
  bucket: ['[(', ')]'],
  stream: ['[/', '/]'],
  queue: ['[/', '/]'],
  topic: ['[/', '/]'],
  function: ['(', ')'],
  dms: ['[', ']'],
  glue: ['[', ']'],
  workflow: ['{{', '}}'],
  secret: ['[', ']'],
  trigger: ['>', ']'],
  network: ['[', ']'],
  external: ['[', ']'],
};

const TYPE_LABELS: Record<string, string> = {
  aws_db_instance: 'RDS',
  aws_rds_cluster: 'Aurora',
  aws_neptune_cluster: 'Neptune',
  aws_dynamodb_table: 'DynamoDB',
  aws_s3_bucket: 'S3',
  aws_lambda_function: 'Lambda',
  aws_kinesis_stream: 'Kinesis',
  aws_sqs_queue: 'SQS',
  aws_sns_topic: 'SNS',
  aws_dms_replication_task: 'DMS task',
  aws_dms_replication_config: 'DMS serverless',
  aws_dms_endpoint: 'DMS endpoint',
  aws_dms_s3_endpoint: 'DMS S3 endpoint',
  aws_glue_job: 'Glue job',
  aws_glue_crawler: 'Glue crawler',
  aws_glue_connection: 'Glue connection',
  aws_sfn_state_machine: 'Step Functions',
  aws_secretsmanager_secret: 'Secret',
  aws_cloudwatch_event_rule: 'EventBridge rule',
  aws_scheduler_schedule: 'Schedule',
  aws_security_group: 'Security group',
  external: 'outside this stack',
};

/** Text inside a quoted Mermaid label: quotes and markup characters become entity codes. */
export function escapeLabel(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[\r\n]+/g, ' ');
}

/** Edge labels sit between pipes, quoted so parentheses and stars (cron expressions) parse. */
function edgeLabel(text: string): string {
  const plain = text.replace(/[|`]/g, ' ');
  return `"${escapeLabel(plain.length > 60 ? `${plain.slice(0, 59)}…` : plain)}"`;
}

function nodeLine(id: string, node: FlowNode): string {
  const [open, close] = SHAPES[node.kind];
  const type = TYPE_LABELS[node.type] ?? node.type.replace(/^aws_/, '');
  return `  ${id}${open}"${escapeLabel(node.label)}<br/><i>${escapeLabel(type)}</i>"${close}`;
}

/** The flowchart text (without the ```mermaid fence). */
export function toMermaid(model: StackModel): string {
  const ids = new Map<string, string>();
  model.nodes.forEach((n, i) => ids.set(n.id, `n${i + 1}`));
  const lines = ['flowchart LR'];
  for (const n of model.nodes) lines.push(nodeLine(ids.get(n.id)!, n));
  // Parallel flows between the same pair are merged into one arrow with the labels joined.
  const merged = new Map<string, { from: string; to: string; kind: string; labels: string[] }>();
  for (const f of model.flows) {
    if (!ids.has(f.from) || !ids.has(f.to)) continue;
    const key = `${f.from}|${f.to}|${f.kind}`;
    const m = merged.get(key) ?? { from: f.from, to: f.to, kind: f.kind, labels: [] };
    if (!m.labels.includes(f.label)) m.labels.push(f.label);
    merged.set(key, m);
  }
  for (const m of merged.values()) {
    const arrow = m.kind === 'network' ? '-.->' : '-->';
    lines.push(`  ${ids.get(m.from)} ${arrow}|${edgeLabel(m.labels.join(', '))}| ${ids.get(m.to)}`);
  }
  const byKind = (kind: NodeKind) => model.nodes.filter((n) => n.kind === kind).map((n) => ids.get(n.id));
  const styles: Array<[string, NodeKind[], string]> = [
    ['stateful', ['database', 'bucket', 'stream'], 'fill:#fff4dd,stroke:#b7791f'],
    ['compute', ['function', 'glue', 'dms', 'workflow'], 'fill:#e8f1ff,stroke:#2b6cb0'],
    ['outside', ['external'], 'fill:#f2f2f2,stroke:#888,stroke-dasharray: 4 4'],
  ];
  for (const [name, kinds, style] of styles) {
    const members = kinds.flatMap(byKind);
    if (!members.length) continue;
    lines.push(`  classDef ${name} ${style}`);
    lines.push(`  class ${members.join(',')} ${name}`);
  }
  return lines.join('\n');
}
