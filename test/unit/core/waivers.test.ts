import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { newSecurityGroup } from '../../../modules/core';
import { synthJson, testStack } from '../../helpers/synth';

describe('MigrationStack.waivePolicy with a module construct', () => {
  test('waivePolicy takes a module construct and finds the resource, by type when it holds several', () => {
    const stack = testStack();
    const module = new Construct(stack, 'module');
    const a = newSecurityGroup(module, 'a', { name: 'a', description: 'a', vpcId: 'vpc-1' });
    new SqsQueue(module, 'q', { name: 'q' });
    stack.waivePolicy('SG-DESCRIBED', module, 'described elsewhere by the network team, on purpose', 'aws_security_group');
    expect((synthJson(stack) as any)['//'].policy_waivers).toEqual({ [`SG-DESCRIBED:aws_security_group.${a.friendlyUniqueId}`]: 'described elsewhere by the network team, on purpose' });
    const lone = new Construct(stack, 'lone');
    const q = new SqsQueue(lone, 'q', { name: 'lone' });
    stack.waivePolicy('SQS-ANY', lone, 'a reason that is long enough');
    expect(stack.policyWaivers[`SQS-ANY:aws_sqs_queue.${q.friendlyUniqueId}`]).toBe('a reason that is long enough');
  });

  test('fails when waivePolicy is given a construct whose resource is ambiguous, listing the candidates', () => {
    const stack = testStack();
    const module = new Construct(stack, 'module');
    newSecurityGroup(module, 'a', { name: 'a', description: 'a', vpcId: 'vpc-1' });
    newSecurityGroup(module, 'b', { name: 'b', description: 'b', vpcId: 'vpc-1' });
    expect(() => stack.waivePolicy('SG-DESCRIBED', module, 'a reason that is long enough')).toThrow(
      'waivePolicy SG-DESCRIBED: test/module holds 2 resources; name one: pass its handle, or its type as the 4th argument (aws_security_group (test/module/a), aws_security_group (test/module/b))',
    );
    expect(() => stack.waivePolicy('SG-DESCRIBED', module, 'a reason that is long enough', 'aws_sqs_queue')).toThrow('holds no aws_sqs_queue');
  });

});
