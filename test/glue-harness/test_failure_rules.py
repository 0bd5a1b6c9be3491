"""The failure rules GlueEtlPipeline and NeptuneGraphMigration synthesize (core's FailureNotifications), run through
moto's EventBridge.

moto is a test double of EventBridge: it reimplements event-pattern matching and input transformers, which is what is
checked here (the synthesized pattern matches the events the Glue and Step Functions guides describe, and only those;
the transformer makes the one-line message). It does not deliver to SNS (the target here is an SQS queue given the same
input transformer), evaluate topic or key policies, or reject `aws.*` sources in PutEvents as the real service does;
and its `<time>` is the event's epoch seconds, where EventBridge gives an ISO 8601 timestamp.
Event shapes: https://docs.aws.amazon.com/glue/latest/dg/automating-awsglue-with-cloudwatch-events.html (detail:
jobName, severity, state, jobRunId, message) and https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
(detail: executionArn, stateMachineArn, name, status, ...).
"""
import json
import pathlib
import subprocess

import boto3
import pytest
from moto import mock_aws

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rules():
    out = subprocess.run(["npx", "--no-install", "tsx", "test/glue-harness/synth-failure-rules.ts"], cwd=REPO, check=True,
                         capture_output=True, text=True, timeout=600).stdout
    return json.loads(out)


def glue_event(job, state):
    return {"Source": "aws.glue", "DetailType": "Glue Job State Change",
            "Detail": json.dumps({"jobName": job, "severity": "ERROR" if state != "SUCCEEDED" else "INFO", "state": state,
                                  "jobRunId": "jr_0123abcd", "message": "Command failed with exit code 1"})}


def sfn_event(machine_arn, status):
    execution = machine_arn.replace(":stateMachine:", ":execution:") + ":run-42"
    return {"Source": "aws.states", "DetailType": "Step Functions Execution Status Change",
            "Detail": json.dumps({"executionArn": execution, "stateMachineArn": machine_arn, "name": "run-42",
                                  "status": status, "startDate": 1764547200000, "stopDate": 1764547260000})}


def deliver(rule, events):
    """Creates the rule with an SQS target carrying the synthesized transformer, puts the events, returns the messages."""
    with mock_aws():
        region = rule["region"]
        events_client = boto3.client("events", region_name=region)
        sqs = boto3.client("sqs", region_name=region)
        queue = sqs.create_queue(QueueName="failures")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events_client.put_rule(Name=rule["rule"], EventPattern=json.dumps(rule["eventPattern"]))
        events_client.put_targets(Rule=rule["rule"], Targets=[{
            "Id": "topic", "Arn": queue_arn,
            "InputTransformer": {"InputPathsMap": rule["inputPaths"], "InputTemplate": rule["inputTemplate"]},
        }])
        events_client.put_events(Entries=events)
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]


def of(rules, source):
    return [r for r in rules if r["eventPattern"]["source"] == [source]]


def test_both_modules_have_a_job_rule_and_an_execution_rule(rules):
    kinds = sorted((r["stack"], r["eventPattern"]["source"][0]) for r in rules)
    assert kinds == [("etl", "aws.glue"), ("etl", "aws.states"), ("graph", "aws.glue"), ("graph", "aws.states")]


def test_a_failed_timed_out_or_errored_run_of_a_kit_job_becomes_one_line_naming_the_job(rules):
    for rule in of(rules, "aws.glue"):
        for job in rule["eventPattern"]["detail"]["jobName"]:
            got = deliver(rule, [glue_event(job, s) for s in ("FAILED", "TIMEOUT", "ERROR")])
            assert len(got) == 3, (rule["rule"], job)
            assert all(isinstance(m, str) and m.startswith(f"Glue job {job} ended ") for m in got), got
            assert {m.split(" ended ")[1].split(" at ")[0] for m in got} == {"FAILED", "TIMEOUT", "ERROR"}
            assert all(f"(run jr_0123abcd, account 123456789012, region {rule['region']})" in m for m in got), got


def test_successful_or_stopped_runs_and_other_jobs_are_not_notified(rules):
    for rule in of(rules, "aws.glue"):
        for job in rule["eventPattern"]["detail"]["jobName"]:
            got = deliver(rule, [glue_event(job, "SUCCEEDED"), glue_event(job, "STOPPED"), glue_event(job + "-other", "FAILED")])
            assert got == [], (rule["rule"], job)


def test_a_failed_timed_out_or_aborted_execution_becomes_one_line_naming_the_execution(rules):
    for rule in of(rules, "aws.states"):
        machine = rule["eventPattern"]["detail"]["stateMachineArn"][0]
        got = deliver(rule, [sfn_event(machine, s) for s in ("FAILED", "TIMED_OUT", "ABORTED")])
        assert len(got) == 3, rule["rule"]
        execution = machine.replace(":stateMachine:", ":execution:") + ":run-42"
        assert all(isinstance(m, str) and m.startswith(f"Step Functions execution {execution} ended ") for m in got), got
        assert {m.split(" ended ")[1].split(" at ")[0] for m in got} == {"FAILED", "TIMED_OUT", "ABORTED"}


def test_succeeded_executions_and_other_state_machines_are_not_notified(rules):
    for rule in of(rules, "aws.states"):
        machine = rule["eventPattern"]["detail"]["stateMachineArn"][0]
        other = machine.rsplit(":", 1)[0] + ":someone-elses-machine"
        got = deliver(rule, [sfn_event(machine, "SUCCEEDED"), sfn_event(machine, "RUNNING"), sfn_event(other, "FAILED")])
        assert got == [], rule["rule"]
