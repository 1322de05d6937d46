"""Drives the simulator's EC2 endpoint with boto3 and prints what it answered, as JSON.

Usage: python boto3_sequence.py ENDPOINT_URL REGION VPC_ID INSTANCE_ID PREFIX_LIST_ID
The Java test (ClientsIT) checks the answers field by field.
"""
import json
import sys

import boto3
from botocore.exceptions import ClientError

url, region, vpc, instance, prefix_list = sys.argv[1:6]
ec2 = boto3.client(
    "ec2",
    endpoint_url=url,
    region_name=region,
    aws_access_key_id="test",
    aws_secret_access_key="test",
)
out = {}


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    return None


app = ec2.create_security_group(GroupName="boto-app", Description="app tier", VpcId=vpc)["GroupId"]
db = ec2.create_security_group(
    GroupName="boto-db",
    Description="db tier",
    VpcId=vpc,
    TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "tier", "Value": "db"}]}],
)
out["create"] = {"GroupId": db["GroupId"], "Tags": db["Tags"]}
db = db["GroupId"]

authorized = ec2.authorize_security_group_ingress(
    GroupId=db,
    IpPermissions=[
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "UserIdGroupPairs": [{"GroupId": app, "Description": "from app"}],
            "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32", "Description": "v6 clients"}],
            "PrefixListIds": [{"PrefixListId": prefix_list}],
        }
    ],
)
out["authorize"] = authorized["SecurityGroupRules"]

for i in range(12):
    ec2.create_security_group(GroupName="boto-page-%02d" % i, Description="page", VpcId=vpc)
pages = list(
    ec2.get_paginator("describe_security_groups").paginate(
        Filters=[{"Name": "group-name", "Values": ["boto-page-*"]}], PaginationConfig={"PageSize": 5}
    )
)
out["pages"] = [len(p["SecurityGroups"]) for p in pages]
out["pagedNames"] = sorted(g["GroupName"] for p in pages for g in p["SecurityGroups"])

described = ec2.describe_security_groups(
    Filters=[{"Name": "tag:tier", "Values": ["db"]}, {"Name": "vpc-id", "Values": [vpc]}]
)["SecurityGroups"]
out["describe"] = described

rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [db]}])[
    "SecurityGroupRules"
]
out["rules"] = sorted(rules, key=lambda r: r["SecurityGroupRuleId"])
v6 = [r["SecurityGroupRuleId"] for r in rules if r.get("CidrIpv6")][0]
ref = [r["SecurityGroupRuleId"] for r in rules if r.get("ReferencedGroupInfo")][0]

ec2.update_security_group_rule_descriptions_ingress(
    GroupId=db, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": ref, "Description": "app, renamed"}]
)
ec2.modify_security_group_rules(
    GroupId=db,
    SecurityGroupRules=[
        {
            "SecurityGroupRuleId": v6,
            "SecurityGroupRule": {
                "IpProtocol": "tcp",
                "FromPort": 6432,
                "ToPort": 6432,
                "CidrIpv6": "2001:db8:1::/48",
                "Description": "pgbouncer",
            },
        }
    ],
)
out["changed"] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[ref, v6])["SecurityGroupRules"]

out["revoke"] = ec2.revoke_security_group_ingress(GroupId=db, SecurityGroupRuleIds=[v6])[
    "RevokedSecurityGroupRules"
]

ec2.create_tags(Resources=[db, instance], Tags=[{"Key": "env", "Value": "test"}])
ec2.modify_instance_attribute(InstanceId=instance, Groups=[db])
reservation = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]
out["instance"] = reservation["Instances"][0]
out["interfaces"] = ec2.describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [db]}])[
    "NetworkInterfaces"
]
out["deleteInUse"] = error_code(ec2.delete_security_group, GroupId=db)
out["deleteReferenced"] = error_code(ec2.delete_security_group, GroupId=app)
out["dryRun"] = error_code(ec2.delete_security_group, GroupId=app, DryRun=True)
out["unknownGroup"] = error_code(ec2.describe_security_groups, GroupIds=["sg-0123456789abcdef0"])
out["vpcs"] = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]
out["prefixLists"] = ec2.describe_managed_prefix_lists(PrefixListIds=[prefix_list])["PrefixLists"]
print(json.dumps(out, default=str))
