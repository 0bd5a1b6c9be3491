/**
 * What a stack does with data: its main resources (nodes) and who reads, writes, triggers or connects to whom
 * (flows), derived from the synthesized JSON alone: IAM policies, Lambda environments, S3 notifications, event source
 * mappings, DMS tasks and endpoints, Glue connections, Step Functions definitions, schedules and security-group rules.
 */
import { parsePolicy } from '../policy-check/iam-document';
import { groupOwners, ingressPermissions } from '../policy-check/security-groups';
import { block, blocks, literalString, refsIn, StackIndex, TfResource } from '../policy-check/tf';

export type NodeKind = 'database' | 'bucket' | 'function' | 'stream' | 'queue' | 'topic' | 'dms' | 'glue' | 'workflow' | 'secret' | 'trigger' | 'network' | 'external';

export interface FlowNode {
  /** Resource address, or `external:<text>` for things outside the stack. */
  readonly id: string;
  readonly kind: NodeKind;
  /** Physical name when literal, else the construct id. */
  readonly label: string;
  readonly type: string;
}

export interface Flow {
  readonly from: string;
  readonly to: string;
  /** What happens: `reads`, `writes`, `invokes`, `tcp 5432`, `full-load-and-cdc`... */
  readonly label: string;
  /** `data` (reads/writes/triggers) or `network` (a security-group rule allowing the connection). */
  readonly kind: 'data' | 'network';
  /** The resource the flow was derived from (policy, notification, rule...). */
  readonly via: string;
}

export interface StackModel {
  readonly nodes: FlowNode[];
  readonly flows: Flow[];
}

/** Resource types drawn as nodes; everything else (policies, attachments, routes...) is plumbing. */
export const NODE_KINDS: Record<string, NodeKind> = {
  aws_db_instance: 'database',
  aws_rds_cluster: 'database',
  aws_neptune_cluster: 'database',
  aws_dynamodb_table: 'database',
  aws_s3_bucket: 'bucket',
  aws_lambda_function: 'function',
  aws_kinesis_stream: 'stream',
  aws_sqs_queue: 'queue',
  aws_sns_topic: 'topic',
  aws_dms_replication_task: 'dms',
  aws_dms_replication_config: 'dms',
  aws_dms_endpoint: 'dms',
  aws_dms_s3_endpoint: 'dms',
  aws_glue_job: 'glue',
  aws_glue_crawler: 'glue',
  aws_glue_connection: 'glue',
  aws_sfn_state_machine: 'workflow',
  aws_secretsmanager_secret: 'secret',
  aws_cloudwatch_event_rule: 'trigger',
  aws_scheduler_schedule: 'trigger',
  aws_glue_trigger: 'trigger',
};

const NAME_ATTRS = ['function_name', 'bucket', 'identifier', 'cluster_identifier', 'replication_task_id', 'replication_config_identifier', 'endpoint_id', 'name'];

/** A readable name: the literal physical name, else the last part of the construct path, else the Terraform name. */
export function labelOf(r: TfResource): string {
  for (const attr of NAME_ATTRS) {
    const v = literalString(r.attrs[attr]);
    if (v) return v;
  }
  const parts = (r.path ?? '').split('/').filter((p) => !['function', 'instance', 'role', 'resource', 'default'].includes(p));
  return parts.length > 1 ? parts.slice(1).join('/') : r.name;
}

/** Verbs for IAM actions: what a principal holding the action does to the resource. */
const ACTION_VERBS: Array<[RegExp, 'reads' | 'writes' | 'invokes' | 'connects']> = [
  [/^(s3:Get|s3:List|kinesis:(Get|Describe|List|SubscribeToShard)|dynamodb:(Get|BatchGet|Query|Scan|DescribeStream)|sqs:(ReceiveMessage|DeleteMessage)|secretsmanager:GetSecretValue|neptune-db:(Read|Get))/, 'reads'],
  [/^(s3:(Put|Delete|AbortMultipart|Restore)|secretsmanager:(PutSecretValue|UpdateSecretVersionStage)|kinesis:Put|dynamodb:(Put|Update|Delete|BatchWrite)|sqs:SendMessage|sns:Publish|firehose:Put|neptune-db:(Write|Delete|StartLoaderJob))/, 'writes'],
  [/^(lambda:InvokeFunction|states:StartExecution|glue:StartJobRun|glue:StartCrawler|dms:(Start|Stop)ReplicationTask|glue:StartWorkflowRun)/, 'invokes'],
  [/^(rds-db:connect|neptune-db:connect)/, 'connects'],
];

function verbOf(action: string): 'reads' | 'writes' | 'invokes' | 'connects' | undefined {
  if (action === 'neptune-db:*') return 'writes';
  return ACTION_VERBS.find(([re]) => re.test(action))?.[1];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A short, stable label for an ARN or host outside the stack: `secret shop-prod-mysql`, `mysql.prod.internal:3306`. */
function externalLabel(text: string): string {
  const arn = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.+)$/.exec(text);
  if (arn) return `${arn[1]} ${arn[2].replace(/^(secret:|table\/|stream\/|function:)/, '').replace(/-[A-Za-z0-9]{6}$/, '')}`.slice(0, 90);
  return text.slice(0, 90);
}

/** Builds the nodes and flows of one stack. */
export function modelStack(stack: StackIndex): StackModel {
  const nodes = new Map<string, FlowNode>();
  const flows: Flow[] = [];
  const seen = new Set<string>();

  for (const r of stack.resources) {
    if (!r.data && NODE_KINDS[r.type]) nodes.set(r.address, { id: r.address, kind: NODE_KINDS[r.type], label: labelOf(r), type: r.type });
  }
  // Physical name -> node, to follow definitions that name resources literally (Step Functions JobName, ARNs).
  const byName = new Map<string, string>();
  // A Glue trigger is usually named after the job it starts: it must not take that name from the job.
  for (const n of nodes.values()) if (n.label.length > 3 && n.type !== 'aws_glue_trigger') byName.set(n.label, n.id);
  const namesLongestFirst = [...byName.entries()].sort((a, b) => b[0].length - a[0].length);

  const external = (text: string): string => {
    const id = `external:${externalLabel(text)}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'external', label: externalLabel(text), type: 'external' });
    return id;
  };
  const add = (from: string | undefined, to: string | undefined, label: string, via: TfResource, kind: Flow['kind'] = 'data') => {
    if (!from || !to || from === to) return;
    const key = `${from}|${to}|${label}|${kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    flows.push({ from, to, label, kind, via: via.address });
  };
  /** Nodes a value points at: references to node resources, literal names of nodes, or external ARNs. */
  const targets = (value: unknown, allowExternal = true): string[] => {
    const out = new Set<string>();
    for (const ref of refsIn(value)) if (nodes.has(ref.address)) out.add(ref.address);
    const texts = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    for (const t of texts) {
      if (t.includes('${')) continue;
      const named = namesLongestFirst.find(([name]) => t === name || new RegExp(`[:/]${escapeRegExp(name)}(?=$|[/:*])`).test(t));
      if (named) out.add(named[1]);
      else if (allowExternal && /^arn:/.test(t) && t !== '*' && !/:(log-group|key|alias|role)[:/]/.test(t)) out.add(external(t));
    }
    return [...out];
  };

  const rolePolicies = (roleAddress: string): unknown[] => {
    const role = stack.get(roleAddress);
    const docs: unknown[] = blocks(role?.attrs.inline_policy).map((p) => p.policy);
    for (const p of stack.ofType('aws_iam_role_policy')) if (refsIn(p.attrs.role).some((r) => r.address === roleAddress)) docs.push(p.attrs.policy);
    for (const a of stack.ofType('aws_iam_role_policy_attachment')) {
      if (!refsIn(a.attrs.role).some((r) => r.address === roleAddress)) continue;
      const policy = stack.target(a.attrs.policy_arn, 'aws_iam_policy');
      if (policy) docs.push(policy.attrs.policy);
    }
    return docs;
  };
  const principalRoles = (r: TfResource): string[] => {
    const attrs = [r.attrs.role, r.attrs.role_arn, r.attrs.service_access_role_arn, r.attrs.service_access_role, r.attrs.iam_roles, block(r.attrs.target)?.role_arn];
    return [...new Set(attrs.flatMap((a) => refsIn(a).filter((x) => x.type === 'aws_iam_role').map((x) => x.address)))];
  };
  for (const c of stack.ofType('aws_lambda_function_event_invoke_config')) {
    const fn = stack.target(c.attrs.function_name, 'aws_lambda_function');
    const dest = block(block(c.attrs.destination_config)?.on_failure)?.destination;
    for (const t of targets(dest)) add(fn?.address, t, 'on failure', c);
  }
  for (const n of stack.ofType('aws_s3_bucket_notification')) {
    const bucket = stack.target(n.attrs.bucket, 'aws_s3_bucket');
    const targetsOf = (items: unknown, attr: string) =>
      blocks(items).forEach((item) => {
        const filter = [literalString(item.filter_prefix), literalString(item.filter_suffix)].filter(Boolean).join(' *');
        for (const t of targets(item[attr])) add(bucket?.address, t, `notifies${filter ? ` ${filter}` : ''}`, n);
      });
    targetsOf(n.attrs.lambda_function, 'lambda_function_arn');
    targetsOf(n.attrs.queue, 'queue_arn');
    targetsOf(n.attrs.topic, 'topic_arn');
  }
  for (const m of stack.ofType('aws_lambda_event_source_mapping')) {
    const fn = stack.target(m.attrs.function_name, 'aws_lambda_function');
    for (const t of targets(m.attrs.event_source_arn)) add(t, fn?.address, 'batches', m);
    for (const t of targets(block(block(m.attrs.destination_config)?.on_failure)?.destination_arn)) add(fn?.address, t, 'failed batches', m);
  }
  for (const s of stack.ofType('aws_sns_topic_subscription')) {
    const topic = stack.target(s.attrs.topic_arn, 'aws_sns_topic');
    const endpoint = targets(s.attrs.endpoint, false);
    if (endpoint.length) endpoint.forEach((t) => add(topic?.address, t, 'delivers', s));
    else if (topic && typeof s.attrs.protocol === 'string') add(topic.address, external(`${s.attrs.protocol} subscribers`), 'delivers', s);
  }
  for (const t of stack.ofType('aws_cloudwatch_event_target')) {
    const rule = stack.target(t.attrs.rule, 'aws_cloudwatch_event_rule') ?? stack.ofType('aws_cloudwatch_event_rule').find((r) => labelOf(r) === t.attrs.rule);
    // A rule with schedule_expression runs on a schedule instead of matching events; its target's dead_letter_config
    // gets what EventBridge could not deliver (EventBridge API DeadLetterConfig, "Using dead-letter queues to process undelivered events").
    const expression = literalString(rule?.attrs.schedule_expression);
    for (const target of targets(t.attrs.arn)) add(rule?.address, target, expression ? `triggers ${expression}` : 'triggers', t);
    for (const dlq of targets(block(t.attrs.dead_letter_config)?.arn)) add(rule?.address, dlq, 'dead letters', t);
  }
  for (const s of stack.ofType('aws_scheduler_schedule')) {
    const expression = literalString(s.attrs.schedule_expression);
    const off = s.attrs.state === 'DISABLED' ? ' (disabled)' : '';
    const target = block(s.attrs.target);
    for (const t of targets(target?.arn)) add(s.address, t, `${expression ? `triggers ${expression}` : 'triggers'}${off}`, s);
    // Scheduler sends an event it could not deliver (after its retries) to the target's dead-letter queue
    // (EventBridge Scheduler "Configuring a schedule's dead-letter queue", docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
    for (const dlq of targets(block(target?.dead_letter_config)?.arn)) add(s.address, dlq, 'dead letters', s);
  }

  // DMS: source -> task -> target, through the endpoints to the databases, buckets and streams they name.
  // An endpoint is drawn as what it stands for: the database, bucket or stream it names, or the server outside.
  const endpointNode = (arn: unknown): string | undefined => {
    const endpoint = stack.target(arn, 'aws_dms_endpoint', 'aws_dms_s3_endpoint');
    if (!endpoint) return targets(arn)[0];
    const a = endpoint.attrs;
    const behind = [...targets(a.server_name, false), ...targets(block(a.kinesis_settings)?.stream_arn, false), ...targets(a.bucket_name, false)];
    if (behind.length) return behind[0];
    const server = literalString(a.server_name);
    if (server) return external(`${literalString(a.engine_name) ?? 'db'} ${server}${a.port ? `:${a.port}` : ''}`);
    return endpoint.address;
  };
  for (const task of stack.ofType('aws_dms_replication_task', 'aws_dms_replication_config')) {
    const kind = literalString(task.attrs.migration_type) ?? literalString(task.attrs.replication_type) ?? 'migration';
    const src = endpointNode(task.attrs.source_endpoint_arn);
    const tgt = endpointNode(task.attrs.target_endpoint_arn);
    add(src, task.address, `${kind} reads`, task);
    add(task.address, tgt, `${kind} writes`, task);
    for (const arn of [task.attrs.source_endpoint_arn, task.attrs.target_endpoint_arn]) {
      const endpoint = stack.target(arn, 'aws_dms_endpoint');
      const master = refsIn(endpoint?.attrs.secrets_manager_arn).some((x) => x.attr === 'master_user_secret');
      for (const secret of targets(endpoint?.attrs.secrets_manager_arn)) add(secret, task.address, master ? 'credentials (master secret)' : 'credentials', endpoint!);
    }
  }

  // Glue: jobs use connections; JDBC connections name their database.
  for (const c of stack.ofType('aws_glue_connection')) {
    const props = block(c.attrs.connection_properties) ?? {};
    const url = props.JDBC_CONNECTION_URL;
    const behind = targets(url, false);
    if (behind.length) behind.forEach((t) => add(c.address, t, 'jdbc', c));
    else if (typeof url === 'string' && url) add(c.address, external(url.replace(/^jdbc:/, '')), 'jdbc', c);
  }
  for (const job of stack.ofType('aws_glue_job', 'aws_glue_crawler')) {
    for (const name of Array.isArray(job.attrs.connections) ? job.attrs.connections : []) {
      for (const c of targets(name, false)) add(job.address, c, 'via connection', job);
    }
  }
  glueCrawlersTriggersAndSecrets(stack, targets, add);
  // Step Functions: every resource its definition names (jobs, functions, tasks, topics) is run by the machine.
  for (const m of stack.ofType('aws_sfn_state_machine')) {
    let strings: string[] = [];
    try {
      const collect = (v: unknown): string[] =>
        typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(collect) : v && typeof v === 'object' ? Object.values(v).flatMap(collect) : [];
      strings = collect(JSON.parse(String(m.attrs.definition)));
    } catch {
      strings = [String(m.attrs.definition ?? '')];
    }
    const runnable = new Set<NodeKind>(['function', 'glue', 'dms', 'workflow']);
    for (const s of strings) for (const t of targets(s, false)) add(m.address, t, runnable.has(nodes.get(t)!.kind) ? 'runs' : 'uses', m);
  }

  // IAM: what each principal's role lets it do (after the structural flows, which say more). A DMS endpoint's
  // role acts for the tasks using the endpoint.
  const tasksUsing = (endpoint: TfResource): string[] =>
    stack
      .ofType('aws_dms_replication_task', 'aws_dms_replication_config')
      .filter((t) => refsIn([t.attrs.source_endpoint_arn, t.attrs.target_endpoint_arn]).some((x) => x.address === endpoint.address))
      .map((t) => t.address);
  /** A structural flow (other than a notification or a stream batch) already says this. */
  const known = (from: string, to: string) => flows.some((f) => f.from === from && f.to === to && !/^(notifies|batches)/.test(f.label));
  const principals = stack.resources.filter((r) => !r.data && (nodes.has(r.address) || r.type === 'aws_dms_endpoint' || r.type === 'aws_dms_s3_endpoint'));
  for (const r of principals) {
    const actors = r.type === 'aws_dms_endpoint' || r.type === 'aws_dms_s3_endpoint' ? tasksUsing(r) : [r.address];
    for (const role of principalRoles(r)) {
      for (const doc of rolePolicies(role)) {
        const parsed = parsePolicy(doc, stack);
        if (parsed.error !== undefined) continue;
        for (const s of parsed.statements) {
          if (s.effect !== 'Allow') continue;
          const verbs = new Set(s.actions.map(verbOf).filter((x): x is NonNullable<typeof x> => x !== undefined));
          if (!verbs.size) continue;
          for (const resource of s.resources) {
            // An instance's RDS-managed master secret is read, not the database itself.
            const secretOf = refsIn(resource).some((x) => x.attr === 'master_user_secret');
            for (const target of targets(resource)) {
              for (const actor of actors) {
                for (const verb of verbs) {
                  if (verb === 'reads') {
                    if (!known(target, actor)) add(target, actor, secretOf ? 'reads master secret' : 'reads', stack.get(role)!);
                  } else if (!known(actor, target)) {
                    add(actor, target, verb, stack.get(role)!);
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  for (const fn of stack.ofType('aws_lambda_function')) {
    // Environment: names of what the function is configured to use (secrets, tables, endpoints).
    for (const [key, value] of Object.entries(block(block(fn.attrs.environment)?.variables) ?? {})) {
      for (const target of targets(value, false)) {
        if (!flows.some((f) => (f.from === fn.address && f.to === target) || (f.to === fn.address && f.from === target))) add(fn.address, target, `uses (${key})`, fn);
      }
    }
    const deadLetter = block(fn.attrs.dead_letter_config)?.target_arn;
    for (const t of targets(deadLetter)) add(fn.address, t, 'dead letters', fn);
  }
  // Network: security-group rules between the things placed in the groups.
  const owners = groupOwners(stack);
  const ownerNodes = (sg: string): string[] => {
    // A replication instance is drawn as the tasks that run on it.
    const main = (owners.get(sg) ?? []).flatMap((o) =>
      o.type === 'aws_dms_replication_instance'
        ? stack.ofType('aws_dms_replication_task').filter((t) => refsIn(t.attrs.replication_instance_arn).some((x) => x.address === o.address)).map((t) => t.address)
        : nodes.has(o.address)
          ? [o.address]
          : [],
    );
    if (main.length) return main;
    const group = stack.get(sg);
    if (!group) return [external(sg)];
    const id = sg;
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'network', label: labelOf(group), type: group.type });
    return [id];
  };
  for (const p of ingressPermissions(stack)) {
    if (!p.fromGroup || p.fromGroup === p.to) continue;
    const port = p.fromPort === undefined || p.protocol === '-1' ? 'all traffic' : `${p.protocol} ${p.fromPort}${p.toPort !== p.fromPort ? `-${p.toPort}` : ''}`;
    for (const from of ownerNodes(p.fromGroup)) for (const to of ownerNodes(p.to)) add(from, to, port, p.rule, 'network');
  }

  const used = new Set(flows.flatMap((f) => [f.from, f.to]));
  // Keep every main resource, but drop groups, endpoints and external nodes that ended up without flows.
  const optional = new Set(['external', 'network', 'aws_dms_endpoint', 'aws_dms_s3_endpoint']);
  const kept = [...nodes.values()].filter((n) => used.has(n.id) || (!optional.has(n.kind) && !optional.has(n.type)));
  return { nodes: kept, flows };
}

type Targets = (value: unknown, allowExternal?: boolean) => string[];
type Add = (from: string | undefined, to: string | undefined, label: string, via: TfResource, kind?: Flow['kind']) => void;

/**
 * Glue's scheduled and conditional triggers, what each crawler crawls, and the secret a Glue connection reads.
 * - aws_glue_trigger: `SCHEDULED` (a cron `schedule`), `CONDITIONAL` (a `predicate` on other jobs' or crawlers'
 *   states) or `ON_DEMAND`; `actions` name the jobs and crawlers it starts (Glue "AWS Glue triggers",
 *   docs.aws.amazon.com/glue/latest/dg/about-triggers.html; Terraform aws_glue_trigger). Drawn: trigger -> each job/crawler, and each watched job -> trigger.
 * - aws_glue_crawler: `jdbc_target`/`s3_target`/`mongodb_target`/`delta_target` name a `connection_name` and a
 *   `path` (Terraform aws_glue_crawler). Drawn: crawler -> connection (`crawls <path>`); with no connection, crawler
 *   -> the bucket or table its path names. The connection's own flow (jdbc) leads on to the database.
 * - aws_glue_connection: `SECRET_ID` in connection_properties is the secret Glue reads the user name and password
 *   from at run time, for jobs and crawlers (Glue "Storing connection credentials in AWS Secrets Manager",
 *   docs.aws.amazon.com/glue/latest/dg/connection-properties-secrets-manager.html). Drawn: secret -> connection (`credentials`).
 */
function glueCrawlersTriggersAndSecrets(stack: StackIndex, targets: Targets, add: Add): void {
  for (const t of stack.ofType('aws_glue_trigger')) {
    const type = literalString(t.attrs.type);
    const schedule = literalString(t.attrs.schedule);
    const how = type === 'SCHEDULED' && schedule ? `triggers ${schedule}` : type === 'ON_DEMAND' ? 'triggers on demand' : 'triggers';
    const label = `${how}${t.attrs.enabled === false ? ' (disabled)' : ''}`;
    for (const a of blocks(t.attrs.actions)) {
      for (const target of targets([a.job_name, a.crawler_name].filter((v) => v !== undefined), false)) add(t.address, target, label, t);
    }
    for (const c of blocks(block(t.attrs.predicate)?.conditions)) {
      const state = literalString(c.state) ?? literalString(c.crawl_state);
      for (const watched of targets([c.job_name, c.crawler_name].filter((v) => v !== undefined), false)) add(watched, t.address, state ? `on ${state}` : 'on completion', t);
    }
  }
  for (const crawler of stack.ofType('aws_glue_crawler')) {
    for (const attr of ['jdbc_target', 's3_target', 'mongodb_target', 'delta_target', 'dynamodb_target']) {
      for (const target of blocks(crawler.attrs[attr])) {
        const path = literalString(target.path);
        const label = path ? `crawls ${path}` : 'crawls';
        const connection = target.connection_name !== undefined ? targets(target.connection_name, false) : [];
        if (connection.length) connection.forEach((c) => add(crawler.address, c, label, crawler));
        else for (const t of targets(target.path, false)) add(crawler.address, t, label, crawler);
      }
    }
  }
  for (const c of stack.ofType('aws_glue_connection')) {
    const secret = block(c.attrs.connection_properties)?.SECRET_ID;
    for (const t of targets(secret)) add(t, c.address, 'credentials', c);
  }
}
