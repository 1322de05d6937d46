package dev.portcullis.cloud.simulator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;

/**
 * A corpus of bad requests sent over HTTP to the endpoint on 127.0.0.1: each gets EC2's error code
 * and HTTP status in EC2's error document, the simulator's state is what it was before, and the
 * server keeps serving.
 */
class BadRequestsIT {
  private static final String KEY = "AKIDGOOD";
  private static final String REGION = "eu-west-1";
  private static final String VPC = "vpc-0a000001";
  private static final String V = "Version=2016-11-15&";

  private static Ec2Simulator sim;
  private static Ec2Endpoint endpoint;
  private static HttpClient http;
  private static String groupId;
  private static String defaultGroupId;

  /** One bad request and what EC2 answers it. */
  record Bad(
      String what,
      String authorization,
      String query,
      String body,
      int status,
      String code,
      String message) {
    @Override
    public String toString() {
      return what;
    }
  }

  static String auth(String key, String region, String service) {
    return "AWS4-HMAC-SHA256 Credential="
        + key
        + "/20261203/"
        + region
        + "/"
        + service
        + "/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0123abcd";
  }

  static final String OK = auth(KEY, REGION, "ec2");

  static Bad post(String what, String body, int status, String code, String message) {
    return new Bad(what, OK, null, body, status, code, message);
  }

  @BeforeAll
  static void start() throws Exception {
    sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .seed(11)
            .throttling(ThrottlingMode.OFF)
            .build();
    endpoint =
        Ec2Endpoint.start(
            sim,
            new InetSocketAddress("127.0.0.1", 0),
            Ec2QueryService.Settings.open()
                .withRegions(sim.world().regions().keySet())
                .withAccessKeys(Set.of(KEY)),
            false);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    groupId = sim.createSecurityGroup(REGION, VPC, "target", "target", Map.of()).groupId();
    defaultGroupId =
        sim.describeAllSecurityGroups(REGION, new GroupFilter(null, List.of("default"), VPC, null))
            .get(0)
            .groupId();
  }

  @AfterAll
  static void stop() {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  static Stream<Bad> corpus() {
    String g = "GroupId=" + groupId;
    String auth = "Action=AuthorizeSecurityGroupIngress&" + V + g;
    String perm =
        "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22";
    List<Bad> c = new ArrayList<>();
    // the envelope
    c.add(post("no Action", V + "GroupId.1=" + groupId, 400, "MissingAction", "Action"));
    c.add(
        post(
            "unknown action",
            "Action=RunInstances&" + V + "ImageId=ami-12345678",
            400,
            "InvalidAction",
            "The action RunInstances is not valid for this web service."));
    c.add(
        post(
            "action in the wrong case",
            "Action=describesecuritygroups&" + V,
            400,
            "InvalidAction",
            "describesecuritygroups"));
    c.add(post("no Version", "Action=DescribeSecurityGroups", 400, "MissingParameter", "Version"));
    c.add(
        post(
            "an old Version",
            "Action=DescribeSecurityGroups&Version=2014-01-01",
            400,
            "NoSuchVersion",
            "2014-01-01"));
    c.add(
        new Bad(
            "not signed",
            null,
            null,
            "Action=DescribeSecurityGroups&" + V,
            403,
            "MissingAuthenticationToken",
            "access key"));
    c.add(
        new Bad(
            "signed with signature version 2",
            "AWS " + KEY + ":c2lnbmF0dXJl",
            null,
            "Action=DescribeSecurityGroups&" + V,
            400,
            "IncompleteSignature",
            "AWS4-HMAC-SHA256"));
    c.add(
        new Bad(
            "signed for another service",
            auth(KEY, REGION, "s3"),
            null,
            "Action=DescribeSecurityGroups&" + V,
            400,
            "IncompleteSignature",
            "credential scope"));
    c.add(
        new Bad(
            "signed for a region the endpoint does not serve",
            auth(KEY, "us-west-2", "ec2"),
            null,
            "Action=DescribeSecurityGroups&" + V,
            401,
            "AuthFailure",
            "us-west-2"));
    c.add(
        new Bad(
            "signed for no region at all",
            auth(KEY, "", "ec2"),
            null,
            "Action=DescribeSecurityGroups&" + V,
            401,
            "AuthFailure",
            "valid region"));
    c.add(
        new Bad(
            "an access key the endpoint does not accept",
            auth("AKIDOTHER", REGION, "ec2"),
            null,
            "Action=DescribeSecurityGroups&" + V,
            401,
            "AuthFailure",
            "credentials"));
    c.add(
        new Bad(
            "a GET without a signature",
            null,
            "Action=DescribeSecurityGroups&" + V,
            "",
            403,
            "MissingAuthenticationToken",
            "access key"));
    // the form
    c.add(
        post(
            "a broken percent-encoding",
            "Action=CreateSecurityGroup&" + V + "GroupName=%zz&GroupDescription=d&VpcId=" + VPC,
            404,
            "MalformedQueryString",
            "percent"));
    c.add(
        post(
            "bytes that are not UTF-8",
            "Action=CreateSecurityGroup&" + V + "GroupName=%ff%fe&GroupDescription=d&VpcId=" + VPC,
            404,
            "MalformedQueryString",
            "UTF-8"));
    c.add(
        post(
            "a body over the limit",
            "Action=DescribeSecurityGroups&"
                + V
                + "Filter.1.Name=description&Filter.1.Value.1="
                + "x".repeat(1 << 20),
            413,
            "RequestEntityTooLarge",
            "bytes"));
    c.add(
        post(
            "an unknown parameter",
            "Action=DescribeSecurityGroups&" + V + "Colour=blue",
            400,
            "UnknownParameter",
            "The parameter Colour is not recognized"));
    c.add(
        post(
            "a list index that is not a number",
            "Action=DescribeSecurityGroups&" + V + "GroupId.x=" + groupId,
            400,
            "UnknownParameter",
            "GroupId.x"));
    c.add(
        post(
            "a list index of 0",
            "Action=DescribeSecurityGroups&" + V + "GroupId.0=" + groupId,
            400,
            "UnknownParameter",
            "GroupId.0"));
    c.add(
        post(
            "MaxResults that is not a number",
            "Action=DescribeSecurityGroups&" + V + "MaxResults=ten",
            400,
            "InvalidParameterValue",
            "ten"));
    c.add(
        post(
            "MaxResults below 5",
            "Action=DescribeSecurityGroups&" + V + "MaxResults=4",
            400,
            "InvalidParameterValue",
            "maxResults"));
    c.add(
        post(
            "a pagination token the endpoint did not issue",
            "Action=DescribeSecurityGroups&" + V + "NextToken=bm90LWEtdG9rZW4",
            400,
            "InvalidPaginationToken",
            "token"));
    c.add(
        post(
            "an unknown filter",
            "Action=DescribeSecurityGroups&" + V + "Filter.1.Name=colour&Filter.1.Value.1=blue",
            400,
            "InvalidParameterValue",
            "The filter 'colour' is invalid"));
    c.add(
        post(
            "a filter without a value",
            "Action=DescribeSecurityGroups&" + V + "Filter.1.Name=group-name",
            400,
            "InvalidParameterValue",
            "group-name"));
    c.add(
        post(
            "DryRun that is not a boolean",
            "Action=DescribeSecurityGroups&" + V + "DryRun=maybe",
            400,
            "InvalidParameterValue",
            "DryRun"));
    c.add(
        post(
            "a dry run",
            "Action=CreateSecurityGroup&"
                + V
                + "GroupName=dry&GroupDescription=d&VpcId="
                + VPC
                + "&DryRun=true",
            412,
            "DryRunOperation",
            "DryRun flag is set"));
    // groups
    c.add(
        post(
            "a group without a name",
            "Action=CreateSecurityGroup&" + V + "GroupDescription=d&VpcId=" + VPC,
            400,
            "MissingParameter",
            "GroupName"));
    c.add(
        post(
            "a description EC2 refuses, with XML's special characters",
            "Action=CreateSecurityGroup&"
                + V
                + "GroupName=x&VpcId="
                + VPC
                + "&GroupDescription=%3Cscript%3E%22%27",
            400,
            "InvalidParameterValue",
            "<"));
    c.add(
        post(
            "a name with a control character",
            "Action=CreateSecurityGroup&" + V + "GroupName=a%01b&GroupDescription=d&VpcId=" + VPC,
            400,
            "InvalidParameterValue",
            "name"));
    c.add(
        post(
            "an unknown VPC",
            "Action=CreateSecurityGroup&" + V + "GroupName=x&GroupDescription=d&VpcId=vpc-0fffffff",
            400,
            "InvalidVpcID.NotFound",
            "vpc-0fffffff"));
    c.add(
        post(
            "a malformed VPC id",
            "Action=CreateSecurityGroup&" + V + "GroupName=x&GroupDescription=d&VpcId=vpc-nothex",
            400,
            "InvalidVpcID.Malformed",
            "vpc-nothex"));
    c.add(
        post(
            "tags for another kind of resource",
            "Action=CreateSecurityGroup&"
                + V
                + "GroupName=x&GroupDescription=d&VpcId="
                + VPC
                + "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=k"
                + "&TagSpecification.1.Tag.1.Value=v",
            400,
            "InvalidParameterValue",
            "instance"));
    c.add(
        post(
            "a duplicate name",
            "Action=CreateSecurityGroup&" + V + "GroupName=TARGET&GroupDescription=d&VpcId=" + VPC,
            400,
            "InvalidGroup.Duplicate",
            "TARGET"));
    c.add(
        post(
            "deleting by name in a VPC",
            "Action=DeleteSecurityGroup&" + V + "GroupName=target",
            400,
            "VPCIdNotSpecified",
            "GroupId"));
    c.add(
        post(
            "deleting a default group",
            "Action=DeleteSecurityGroup&" + V + "GroupId=" + defaultGroupId,
            400,
            "CannotDelete",
            defaultGroupId));
    // rules
    c.add(
        post(
            "an unknown protocol",
            auth + "&IpPermissions.1.IpProtocol=foo&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8",
            400,
            "InvalidParameterValue",
            "Invalid value 'foo' for IP protocol"));
    c.add(
        post(
            "a malformed CIDR",
            auth + perm + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0/8",
            400,
            "InvalidParameterValue",
            "10.0.0/8"));
    c.add(
        post(
            "an IPv6 range among the IPv4 ranges",
            auth + perm + "&IpPermissions.1.IpRanges.1.CidrIp=2001:db8::/32",
            400,
            "InvalidParameterValue",
            "cidrIp"));
    c.add(
        post(
            "TCP without ports",
            auth + "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8",
            400,
            "InvalidParameterValue",
            "portRange"));
    c.add(
        post(
            "a port out of range",
            auth
                + "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22"
                + "&IpPermissions.1.ToPort=70000&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8",
            400,
            "InvalidParameterValue",
            "70000"));
    c.add(post("a permission without a peer", auth + perm, 400, "MissingParameter", "ipRanges"));
    c.add(
        post(
            "a rule on an unknown group",
            "Action=AuthorizeSecurityGroupIngress&"
                + V
                + "GroupId=sg-0123456789abcdef0"
                + perm
                + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8",
            400,
            "InvalidGroup.NotFound",
            "sg-0123456789abcdef0"));
    c.add(
        post(
            "a malformed group id",
            "Action=AuthorizeSecurityGroupIngress&"
                + V
                + "GroupId=sg-xyz"
                + perm
                + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8",
            400,
            "InvalidGroupId.Malformed",
            "sg-xyz"));
    c.add(
        post(
            "the same rule twice in one request",
            auth
                + perm
                + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8"
                + "&IpPermissions.1.IpRanges.2.CidrIp=10.0.0.0/8",
            400,
            "InvalidPermission.Duplicate",
            "10.0.0.0/8"));
    c.add(
        post(
            "revoking by rule id and by permission at once",
            "Action=RevokeSecurityGroupIngress&"
                + V
                + g
                + "&SecurityGroupRuleId.1=sgr-0123456789abcdef0"
                + perm
                + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8",
            400,
            "InvalidParameterCombination",
            "SecurityGroupRuleIds"));
    c.add(
        post(
            "revoking an unknown rule id",
            "Action=RevokeSecurityGroupEgress&"
                + V
                + g
                + "&SecurityGroupRuleId.1=sgr-0123456789abcdef0",
            400,
            "InvalidSecurityGroupRuleId.NotFound",
            "sgr-0123456789abcdef0"));
    c.add(
        post(
            "revoking a malformed rule id",
            "Action=RevokeSecurityGroupEgress&" + V + g + "&SecurityGroupRuleId.1=rule-1",
            400,
            "InvalidSecurityGroupRuleId.Malformed",
            "rule-1"));
    c.add(
        post(
            "revoking a rule the group does not have",
            "Action=RevokeSecurityGroupIngress&"
                + V
                + g
                + perm
                + "&IpPermissions.1.IpRanges.1.CidrIp=10.9.0.0/16",
            400,
            "InvalidPermission.NotFound",
            "10.9.0.0/16"));
    // instances, interfaces, tags
    c.add(
        post(
            "instance ids with MaxResults",
            "Action=DescribeInstances&" + V + "InstanceId.1=i-0a000001&MaxResults=5",
            400,
            "InvalidParameterCombination",
            "maxResults"));
    c.add(
        post(
            "an unknown instance",
            "Action=DescribeInstances&" + V + "InstanceId.1=i-0fffffff",
            400,
            "InvalidInstanceID.NotFound",
            "i-0fffffff"));
    c.add(
        post(
            "an instance attribute the simulator does not hold",
            "Action=ModifyInstanceAttribute&"
                + V
                + "InstanceId=i-0a000001&InstanceType.Value=t3.large",
            400,
            "UnsupportedOperation",
            "GroupId"));
    c.add(
        post(
            "an interface without groups",
            "Action=ModifyNetworkInterfaceAttribute&" + V + "NetworkInterfaceId=eni-0a000001",
            400,
            "UnsupportedOperation",
            "SecurityGroupId"));
    c.add(
        post(
            "a group of another VPC on an interface",
            "Action=ModifyNetworkInterfaceAttribute&"
                + V
                + "NetworkInterfaceId=eni-0a000001&SecurityGroupId.1="
                + otherVpcDefaultGroup(),
            400,
            "InvalidParameter",
            "vpc-0b000002"));
    c.add(
        post(
            "tagging something that is neither a group nor an instance",
            "Action=CreateTags&"
                + V
                + "ResourceId.1=vol-0123456789abcdef0&Tag.1.Key=k&Tag.1.Value=v",
            400,
            "InvalidID",
            "vol-0123456789abcdef0"));
    c.add(
        post(
            "tagging without tags",
            "Action=CreateTags&" + V + "ResourceId.1=" + groupId,
            400,
            "MissingParameter",
            "Tag"));
    c.add(
        post(
            "tagging a group and an unknown one: neither is tagged",
            "Action=CreateTags&"
                + V
                + "ResourceId.1="
                + groupId
                + "&ResourceId.2=sg-0123456789abcdef0&Tag.1.Key=k&Tag.1.Value=v",
            400,
            "InvalidGroup.NotFound",
            "sg-0123456789abcdef0"));
    c.add(
        post(
            "a tag key over 128 characters",
            "Action=CreateTags&"
                + V
                + "ResourceId.1="
                + groupId
                + "&Tag.1.Key="
                + "k".repeat(129)
                + "&Tag.1.Value=v",
            400,
            "InvalidParameterValue",
            "128"));
    c.add(
        post(
            "untagging without a resource",
            "Action=DeleteTags&" + V + "Tag.1.Key=k",
            400,
            "MissingParameter",
            "ResourceId"));
    c.add(
        post(
            "an unknown prefix list",
            "Action=DescribeManagedPrefixLists&" + V + "PrefixListId.1=pl-0fffffff",
            400,
            "InvalidPrefixListID.NotFound",
            "pl-0fffffff"));
    return c.stream();
  }

  private static String otherVpcDefaultGroup() {
    return sim.describeAllSecurityGroups(
            REGION, new GroupFilter(null, List.of("default"), "vpc-0b000002", null))
        .get(0)
        .groupId();
  }

  /** What a client can see of the simulator: every group and instance of every region. */
  private static List<Object> state() {
    List<Object> out = new ArrayList<>();
    for (String region : sim.world().regions().keySet()) {
      List<SecurityGroupInfo> groups = sim.describeAllSecurityGroups(region, GroupFilter.all());
      out.add(groups);
      out.add(sim.describeAllInstances(region, new InstanceFilter(null, null)));
    }
    return out;
  }

  private static HttpResponse<String> send(Bad b) throws Exception {
    URI uri = URI.create(endpoint.uri() + "/" + (b.query() == null ? "" : "?" + b.query()));
    HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (b.authorization() != null) {
      r.header("Authorization", b.authorization());
    }
    if (b.query() != null) {
      r.GET();
    } else {
      r.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofString(b.body(), StandardCharsets.ISO_8859_1));
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void eachBadRequestGetsEc2sErrorAndChangesNothing(Bad b) throws Exception {
    List<Object> before = state();
    HttpResponse<String> response = send(b);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(b.status());
    Document d = Ec2QueryServiceTest.xml(response.body());
    assertThat(Ec2QueryServiceTest.text(d, "/Response/Errors/Error/Code")).isEqualTo(b.code());
    assertThat(Ec2QueryServiceTest.text(d, "/Response/Errors/Error/Message")).contains(b.message());
    assertThat(Ec2QueryServiceTest.text(d, "/Response/RequestID")).isNotEmpty();
    assertThat(state()).as("the simulator's state").isEqualTo(before);
    assertServing();
  }

  @Test
  void theCorpusHoldsAtLeastThirtyRequests() {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(30);
  }

  private static void assertServing() throws Exception {
    HttpResponse<String> ok =
        send(new Bad("ok", OK, null, "Action=DescribeVpcs&" + V, 200, null, null));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).contains("<vpcId>" + VPC + "</vpcId>");
  }
}
