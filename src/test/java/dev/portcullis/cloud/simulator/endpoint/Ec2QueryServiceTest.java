package dev.portcullis.cloud.simulator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Faults;
import dev.portcullis.cloud.simulator.Throttling;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.engine.Direction;
import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The Query API without HTTP: requests parsed, dispatched and answered in EC2's XML. */
class Ec2QueryServiceTest {
  private static final String AUTH =
      "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261203/eu-west-1/ec2/aws4_request,"
          + " SignedHeaders=host;x-amz-date, Signature=abc";
  private static final String VPC = "vpc-0a000001";

  private final Ec2Simulator sim =
      Ec2Simulator.builder()
          .world(WorldLoader.loadResource("/worlds/demo.yaml"))
          .seed(3)
          .throttling(ThrottlingMode.OFF)
          .build();
  private final Ec2QueryService service =
      new Ec2QueryService(
          sim, Ec2QueryService.Settings.open().withRegions(Set.of("eu-west-1", "us-east-1")));

  private Ec2QueryService.Response call(String action, String... params) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("Action", action);
    form.put("Version", "2016-11-15");
    for (int i = 0; i < params.length; i += 2) {
      form.put(params[i], params[i + 1]);
    }
    return service.answer(null, AUTH, form(form).getBytes(StandardCharsets.UTF_8));
  }

  static String form(Map<String, String> params) {
    List<String> pairs = new ArrayList<>();
    params.forEach(
        (k, v) ->
            pairs.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }

  static Document xml(String body) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(body)));
  }

  static String text(Document d, String xpath) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(xpath, d);
  }

  static int count(Document d, String xpath) throws Exception {
    return ((NodeList)
            XPathFactory.newInstance().newXPath().evaluate(xpath, d, XPathConstants.NODESET))
        .getLength();
  }

  @Test
  void aGroupIsCreatedWithItsTagsAndAnsweredInEc2sNamespace() throws Exception {
    Ec2QueryService.Response r =
        call(
            "CreateSecurityGroup",
            "GroupName",
            "web",
            "GroupDescription",
            "web servers",
            "VpcId",
            VPC,
            "TagSpecification.1.ResourceType",
            "security-group",
            "TagSpecification.1.Tag.1.Key",
            "team",
            "TagSpecification.1.Tag.1.Value",
            "a&b <c>");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body())
        .contains(
            "<CreateSecurityGroupResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">");
    Document d = xml(r.body());
    String id = text(d, "/CreateSecurityGroupResponse/groupId");
    assertThat(id).startsWith("sg-");
    UUID requestId = UUID.fromString(text(d, "/CreateSecurityGroupResponse/requestId"));
    assertThat(requestId.version()).as("a random UUID, as EC2's request ids are").isEqualTo(4);
    assertThat(requestId.variant()).isEqualTo(2);
    assertThat(text(d, "//tagSet/item[key='team']/value")).isEqualTo("a&b <c>");
    assertThat(sim.describeAllSecurityGroups("eu-west-1", GroupFilter.ids(id)))
        .singleElement()
        .satisfies(g -> assertThat(g.tags()).containsEntry("team", "a&b <c>"));
  }

  @Test
  void requestsAreCountedByTheAccessKeyThatSignedThem() {
    assertThat(service.requestsByAccessKey()).isEmpty();
    call("DescribeSecurityGroups");
    call("DescribeSecurityGroups");
    String other = AUTH.replace("AKIDTEST", "AKIDOTHER");
    service.answer(
        null,
        other,
        form(Map.of("Action", "NoSuchAction", "Version", "2016-11-15"))
            .getBytes(StandardCharsets.UTF_8));
    service.answer(null, null, "Action=DescribeSecurityGroups".getBytes(StandardCharsets.UTF_8));
    assertThat(service.requestsByAccessKey())
        .as("a refused request counts for its key; an unsigned one for none")
        .containsExactly(Map.entry("AKIDOTHER", 1L), Map.entry("AKIDTEST", 2L));
  }

  @Test
  void indexedPermissionsBecomeAtomicRulesAndComeBackGrouped() throws Exception {
    String id =
        xml(call("CreateSecurityGroup", "GroupName", "db", "GroupDescription", "db", "VpcId", VPC)
                .body())
            .getElementsByTagName("groupId")
            .item(0)
            .getTextContent();
    Ec2QueryService.Response r =
        call(
            "AuthorizeSecurityGroupIngress",
            "GroupId",
            id,
            "IpPermissions.1.IpProtocol",
            "tcp",
            "IpPermissions.1.FromPort",
            "5432",
            "IpPermissions.1.ToPort",
            "5432",
            "IpPermissions.1.IpRanges.1.CidrIp",
            "10.0.0.0/16",
            "IpPermissions.1.IpRanges.1.Description",
            "vpc",
            "IpPermissions.1.Ipv6Ranges.1.CidrIpv6",
            "2001:db8::/32",
            "IpPermissions.1.Groups.1.GroupId",
            id);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Document d = xml(r.body());
    assertThat(count(d, "//securityGroupRuleSet/item")).isEqualTo(3);
    assertThat(text(d, "//securityGroupRuleSet/item[cidrIpv4='10.0.0.0/16']/description"))
        .isEqualTo("vpc");
    SecurityGroupInfo g = sim.describeAllSecurityGroups("eu-west-1", GroupFilter.ids(id)).get(0);
    assertThat(
            g.rules().stream()
                .map(ObservedRule::rule)
                .filter(x -> x.direction() == Direction.INGRESS))
        .hasSize(3);

    Document described = xml(call("DescribeSecurityGroups", "GroupId.1", id).body());
    assertThat(count(described, "//securityGroupInfo/item/ipPermissions/item")).isEqualTo(1);
    assertThat(text(described, "//ipPermissions/item/ipProtocol")).isEqualTo("tcp");
    assertThat(text(described, "//ipPermissions/item/ipRanges/item/cidrIp"))
        .isEqualTo("10.0.0.0/16");
    assertThat(text(described, "//ipPermissions/item/groups/item/groupId")).isEqualTo(id);
    assertThat(text(described, "//ipPermissionsEgress/item/ipProtocol")).isEqualTo("-1");
  }

  @Test
  void errorsAreEc2sDocumentWithItsStatus() throws Exception {
    Ec2QueryService.Response r =
        call("DescribeSecurityGroups", "GroupId.1", "sg-0123456789abcdef0");
    assertThat(r.status()).isEqualTo(400);
    Document d = xml(r.body());
    assertThat(text(d, "/Response/Errors/Error/Code")).isEqualTo("InvalidGroup.NotFound");
    assertThat(text(d, "/Response/Errors/Error/Message"))
        .isEqualTo("The security group 'sg-0123456789abcdef0' does not exist");
    assertThat(text(d, "/Response/RequestID")).isNotEmpty();
  }

  @Test
  void anUnknownActionIsNamedInInvalidAction() throws Exception {
    Ec2QueryService.Response r = call("RunInstances", "ImageId", "ami-12345678");
    assertThat(r.status()).isEqualTo(400);
    Document d = xml(r.body());
    assertThat(text(d, "//Code")).isEqualTo("InvalidAction");
    assertThat(text(d, "//Message")).contains("RunInstances");
  }

  @Test
  void theRegionComesFromTheCredentialScope() throws Exception {
    String us =
        "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261203/us-east-1/ec2/aws4_request,"
            + " SignedHeaders=host, Signature=abc";
    Ec2QueryService.Response r =
        service.answer(
            null, us, "Action=DescribeVpcs&Version=2016-11-15".getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(200);
    assertThat(text(xml(r.body()), "//vpcSet/item/vpcId")).isEqualTo("vpc-0e000001");

    String mars =
        "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261203/mars-north-1/ec2/aws4_request,"
            + " SignedHeaders=host, Signature=abc";
    Ec2QueryService.Response refused =
        service.answer(
            null, mars, "Action=DescribeVpcs&Version=2016-11-15".getBytes(StandardCharsets.UTF_8));
    assertThat(refused.status()).isEqualTo(401);
    assertThat(text(xml(refused.body()), "//Code")).isEqualTo("AuthFailure");
  }

  @Test
  void throttlingAndEventualConsistencyAnswerOverTheWireAsInProcess() throws Exception {
    long[] now = {0};
    Ec2Simulator slow =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .throttling(Throttling.scaled(0.02)) // one token per mutating bucket
            .faults(Faults.none().withConsistencyWindow(Duration.ofSeconds(2)))
            .nanoTime(() -> now[0])
            .build();
    Ec2QueryService s = new Ec2QueryService(slow, Ec2QueryService.Settings.open());
    String create = "Action=CreateSecurityGroup&Version=2016-11-15&GroupDescription=d&VpcId=" + VPC;
    Ec2QueryService.Response first =
        s.answer(null, AUTH, (create + "&GroupName=a").getBytes(StandardCharsets.UTF_8));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String id = text(xml(first.body()), "//groupId");

    Ec2QueryService.Response second =
        s.answer(null, AUTH, (create + "&GroupName=b").getBytes(StandardCharsets.UTF_8));
    assertThat(second.status()).isEqualTo(503);
    assertThat(text(xml(second.body()), "//Code")).isEqualTo("RequestLimitExceeded");

    String describe = "Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=" + id;
    Ec2QueryService.Response hidden =
        s.answer(null, AUTH, describe.getBytes(StandardCharsets.UTF_8));
    assertThat(text(xml(hidden.body()), "//Code")).isEqualTo("InvalidGroup.NotFound");
    now[0] += Duration.ofSeconds(3).toNanos();
    Ec2QueryService.Response seen = s.answer(null, AUTH, describe.getBytes(StandardCharsets.UTF_8));
    assertThat(seen.status()).as(seen.body()).isEqualTo(200);
    assertThat(slow.calls().count("CreateSecurityGroup", "RequestLimitExceeded")).isEqualTo(1);
  }

  @Test
  void revokingByRuleIdAnswersTheRulesRevoked() throws Exception {
    String id =
        xml(call("CreateSecurityGroup", "GroupName", "r", "GroupDescription", "r", "VpcId", VPC)
                .body())
            .getElementsByTagName("groupId")
            .item(0)
            .getTextContent();
    Document egress =
        xml(
            call("DescribeSecurityGroupRules", "Filter.1.Name", "group-id", "Filter.1.Value.1", id)
                .body());
    String ruleId =
        text(egress, "//securityGroupRuleSet/item[isEgress='true']/securityGroupRuleId");
    assertThat(ruleId).startsWith("sgr-");
    Document revoked =
        xml(
            call("RevokeSecurityGroupEgress", "GroupId", id, "SecurityGroupRuleId.1", ruleId)
                .body());
    assertThat(text(revoked, "//revokedSecurityGroupRuleSet/item/cidrIpv4")).isEqualTo("0.0.0.0/0");
    assertThat(sim.describeAllSecurityGroups("eu-west-1", GroupFilter.ids(id)).get(0).rules())
        .isEmpty();
  }
}
