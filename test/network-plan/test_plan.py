"""ExistingNetwork's plan-time checks, run for real: OpenTofu plans the synthesized stack against moto's EC2 API.

Real engines: OpenTofu (the toolchain's) and terraform-provider-aws 5.100.0 from /opt/tf-plugins (the 6.25.0 the
stacks pin is not obtainable here; the data sources and attributes used exist unchanged in both). Stand-in: moto
plays EC2 (VPCs, subnets, route tables, NAT gateways, VPC endpoints, prefix lists) and STS. What moto does not do
that AWS does: it accepts any ids and credentials, creates no network interfaces or DNS records for endpoints, and
its route tables hold only the routes the test creates (plus local and the gateway-endpoint routes).
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

from moto_plan import PROVIDER_REQUIREMENT, REGION, aws_client, init, moto_provider_settings, moto_server, tofu

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def moto_url():
    with moto_server([os.environ["MOTO_SERVER"]]) as url:
        yield url


@pytest.fixture(scope="session")
def ec2(moto_url):
    return aws_client("ec2", moto_url)


def make_vpc(ec2, dns=True, s3_on=(0, 1), nat_on=(), endpoints=()):
    """A VPC with two private subnets (eu-west-2a/b), a route table each, and what the arguments ask for."""
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": dns})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": dns})
    subnets, tables = [], []
    for i, az in enumerate(["eu-west-2a", "eu-west-2b"]):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i * 16}.0/20", AvailabilityZone=az)["Subnet"]["SubnetId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        subnets.append({"id": subnet, "availabilityZone": az})
        tables.append(table)
    if s3_on:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway", RouteTableIds=[tables[i] for i in s3_on])
    if nat_on:
        public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.200.0/24", AvailabilityZone="eu-west-2a")["Subnet"]["SubnetId"]
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
        for i in nat_on:
            ec2.create_route(RouteTableId=tables[i], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    sg = ec2.create_security_group(VpcId=vpc, GroupName=f"endpoints-{vpc}", Description="endpoints")["GroupId"]
    for service, private_dns in endpoints:
        ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.{service}", VpcEndpointType="Interface",
            SubnetIds=[s["id"] for s in subnets], SecurityGroupIds=[sg], PrivateDnsEnabled=private_dns,
        )
    return {"vpcId": vpc, "privateSubnets": subnets, "sg": sg, "tables": tables}


def plan(tmp_path, moto_url, props):
    """Synthesizes ExistingNetwork with `props`, points the provider at moto and runs `tofu plan`."""
    out = tmp_path / "stack"
    subprocess.run(["npx", "tsx", "test/network-plan/synth-network.ts", json.dumps(props), str(out)], cwd=REPO, check=True)
    tf = json.loads((out / "cdk.tf.json").read_text())
    tf["terraform"]["required_providers"]["aws"] = PROVIDER_REQUIREMENT
    tf["terraform"].pop("backend", None)
    tf["provider"]["aws"][0].update(moto_provider_settings(moto_url, ["ec2", "sts", "iam"]))
    (out / "cdk.tf.json").write_text(json.dumps(tf))
    init(out)
    return tofu(out, "plan", "-lock=false")


def network(vpc, **extra):
    return {"vpcId": vpc["vpcId"], "privateSubnets": vpc["privateSubnets"], **extra}


def test_vpc_endpoints_network_with_everything_it_needs_plans(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, endpoints=[("secretsmanager", True)])
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="vpc-endpoints", interfaceEndpoints=["secretsmanager"], apiEndpointsSecurityGroupId=vpc["sg"]))
    assert code == 0, text
    assert "Plan:" in text


def test_fails_when_a_route_table_has_no_route_to_the_s3_gateway_endpoint(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, s3_on=(0,))
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="vpc-endpoints"))
    assert code != 0
    assert f"of {vpc['privateSubnets'][1]['id']} has no route to the S3 gateway endpoint vpce-" in text
    assert "and awsApiAccess is 'vpc-endpoints' (no NAT). Set createS3GatewayEndpoint: true" in text
    # The rendered message names the route table; the first one has the route. (OpenTofu also echoes the
    # configuration line, where the id is still an expression.)
    assert f"route table {vpc['tables'][1]} of {vpc['privateSubnets'][1]['id']} has no route" in text
    assert f"route table {vpc['tables'][0]} of" not in text


def test_fails_when_the_vpc_has_no_s3_gateway_endpoint(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, s3_on=())
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="vpc-endpoints"))
    assert code != 0
    # The provider's own error on the lookup named after what it looks for (a lookup cannot carry a message).
    assert "no matching EC2 VPC Endpoint found" in text and "data.aws_vpc_endpoint.network_existing-s3-gateway_" in text


def test_create_s3_gateway_endpoint_plans_it_on_the_subnets_route_tables(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, s3_on=())
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="vpc-endpoints", createS3GatewayEndpoint=True, createEndpoints=["sts"]))
    assert code == 0, text
    assert "aws_vpc_endpoint.network_s3-gateway" in text and "aws_vpc_endpoint.network_endpoint-sts" in text


def test_nat_network_needs_a_nat_route_on_every_route_table(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, s3_on=(), nat_on=(0,))
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="nat"))
    assert code != 0
    assert f"awsApiAccess is 'nat' but route table" in text
    assert f"of {vpc['privateSubnets'][1]['id']} has no 0.0.0.0/0 route to a NAT or transit gateway" in text

    ok = make_vpc(ec2, s3_on=(), nat_on=(0, 1))
    code, text = plan(tmp_path / "ok", moto_url, network(ok, awsApiAccess="nat"))
    assert code == 0, text


def test_fails_when_a_listed_interface_endpoint_is_missing(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, endpoints=[("secretsmanager", True)])
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="vpc-endpoints", interfaceEndpoints=["secretsmanager", "sts"], apiEndpointsSecurityGroupId=vpc["sg"]))
    assert code != 0
    assert "no matching EC2 VPC Endpoint found" in text
    assert "data.aws_vpc_endpoint.network_existing-sts_" in text


def test_fails_when_an_existing_endpoint_has_no_private_dns_or_another_security_group(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, endpoints=[("secretsmanager", False)])
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="vpc-endpoints", interfaceEndpoints=["secretsmanager"], apiEndpointsSecurityGroupId=vpc["sg"]))
    assert code != 0
    assert "the secretsmanager endpoint vpce-" in text and "private DNS false" in text

    other = make_vpc(ec2, endpoints=[("secretsmanager", True)])
    code, text = plan(tmp_path / "sg", moto_url, network(other, awsApiAccess="vpc-endpoints", interfaceEndpoints=["secretsmanager"], apiEndpointsSecurityGroupId="sg-0123456789abcdef0"))
    assert code != 0
    assert "in security group sg-0123456789abcdef0 (apiEndpointsSecurityGroupId)" in text


def test_fails_when_vpc_dns_attributes_are_off_and_endpoints_use_private_dns(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, dns=False)
    code, text = plan(tmp_path, moto_url, network(vpc, awsApiAccess="vpc-endpoints", createEndpoints=["sts"]))
    assert code != 0
    assert f"interface endpoints with private DNS need enableDnsSupport and enableDnsHostnames on {vpc['vpcId']}" in text


def test_fails_when_a_subnet_is_in_another_zone_than_given(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2)
    subnets = [vpc["privateSubnets"][0], {"id": vpc["privateSubnets"][1]["id"], "availabilityZone": "eu-west-2c"}]
    code, text = plan(tmp_path, moto_url, {"vpcId": vpc["vpcId"], "privateSubnets": subnets, "awsApiAccess": "vpc-endpoints"})
    assert code != 0
    assert f"privateSubnets[1] {subnets[1]['id']} must be in {vpc['vpcId']} and eu-west-2c; it is in {vpc['vpcId']}, eu-west-2b" in text


def test_peering_checks_the_peer_cidr_and_dns_at_plan(tmp_path, moto_url, ec2):
    vpc = make_vpc(ec2, s3_on=(), nat_on=(0, 1))
    tables = [ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [s["id"]]}])["RouteTables"][0]["RouteTableId"] for s in vpc["privateSubnets"]]
    assert tables == vpc["tables"]
    source = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    source_rt = ec2.create_route_table(VpcId=source)["RouteTable"]["RouteTableId"]
    props = network(vpc, awsApiAccess="nat")
    code, text = plan(tmp_path, moto_url, {**props, "peer": {"vpcId": source, "cidr": "10.60.0.0/16", "routeTableIds": [source_rt]}})
    assert code != 0
    assert f"peer.cidr is 10.60.0.0/16 but {source} has 10.50.0.0/16" in text

    # moto's new VPCs have DNS hostnames off (as AWS's non-default VPCs do): DNS resolution across the peering needs them.
    code, text = plan(tmp_path / "dns", moto_url, {**props, "peer": {"vpcId": source, "cidr": "10.50.0.0/16", "routeTableIds": [source_rt]}})
    assert code != 0
    assert f"DNS resolution across the peering needs enableDnsSupport and enableDnsHostnames on {source}" in text

    ec2.modify_vpc_attribute(VpcId=source, EnableDnsHostnames={"Value": True})
    code, text = plan(tmp_path / "ok", moto_url, {**props, "peer": {"vpcId": source, "cidr": "10.50.0.0/16", "routeTableIds": [source_rt]}})
    assert code == 0, text
    assert "aws_vpc_peering_connection.peering_connection" in text
