package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * The same sequence of EC2 calls, made with the AWS SDK against moto and against the simulator's
 * endpoint, and the answers compared once ids are normalised (the groups the sequence makes by
 * their role, other ids by their kind). Every difference is either fixed or listed in {@link
 * #KNOWN}, with the EC2 documentation that decides it (docs/simulator.md lists them too); the test
 * fails on a difference not listed, and on a listed one that is gone.
 */
class DifferentialIT {
  private static final String REGION = "eu-west-1";

  /** Steps whose answers differ, each with why the endpoint's answer is EC2's. */
  static final Map<String, String> KNOWN =
      new TreeMap<>(
          Map.of(
              "a batch with one existing rule adds nothing",
              "moto adds the batch's new rules before failing on the existing one; an EC2 call"
                  + " succeeds or fails whole (API_AuthorizeSecurityGroupIngress)",
              "a duplicate name, in another case",
              "moto takes DIFF-WEB beside diff-web; EC2: 'Names are case-insensitive and must be"
                  + " unique within the VPC' (API_CreateSecurityGroup, GroupName)",
              "a group named default",
              "moto answers InvalidGroup.Duplicate; EC2 answers InvalidGroup.Reserved for the"
                  + " name default (EC2 API reference, Error codes)",
              "a malformed group id",
              "moto answers InvalidGroup.NotFound; EC2 answers InvalidGroupId.Malformed for an id"
                  + " not of the form sg-xxxxxxxx (EC2 API reference, Error codes)",
              "authorize ingress: IPv4, IPv6 and a group",
              "moto leaves out a group reference's description in the rules it answers; EC2"
                  + " answers each rule's Description (API_SecurityGroupRule)",
              "describe security group rules",
              "moto leaves out a group reference's description (API_SecurityGroupRule)",
              "create a group with tags",
              "moto answers no tags; EC2's CreateSecurityGroup answers the group's tagSet"
                  + " (API_CreateSecurityGroup, Response elements)",
              "delete a group another group's rule references",
              "moto deletes it; EC2 answers DependencyViolation (API_DeleteSecurityGroup)",
              "revoke the IPv6 default egress",
              "moto answers success and keeps the rule; EC2 removes it"
                  + " (API_RevokeSecurityGroupEgress)",
              "describe with MaxResults 5",
              "moto ignores MaxResults; EC2 answers at most MaxResults and a NextToken"
                  + " (API_DescribeSecurityGroups)"));

  static {
    KNOWN.put(
        "give an instance a group",
        "moto adds the groups to the primary interface's; EC2's ModifyInstanceAttribute Groups"
            + " replaces them (API_ModifyInstanceAttribute)");
    KNOWN.put(
        "the interfaces that carry a group",
        "moto does not find the interface by a group given with ModifyInstanceAttribute; EC2's"
            + " group-id filter matches every interface the group is associated with"
            + " (API_DescribeNetworkInterfaces)");
    KNOWN.put(
        "delete a group an instance carries",
        "moto deletes it; EC2 answers DependencyViolation for a group associated with an instance"
            + " or network interface (API_DeleteSecurityGroup)");
  }

  private static MotoServer moto;
  private static Ec2Endpoint endpoint;
  private static String motoInstance;

  /** The endpoint's instance for the steps with one: in the demo world's first VPC. */
  private static final String ENDPOINT_INSTANCE = "i-0a000003";

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    try (Ec2Client ec2 = moto.ec2(REGION)) {
      // the demo world's first VPC, as the endpoint has it (10.0.0.0/16), with an instance
      motoInstance = MotoServer.network(ec2, "diff").instanceIds().get(0);
    }
    Ec2Simulator sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .throttling(ThrottlingMode.OFF)
            .build();
    endpoint =
        Ec2Endpoint.start(
            sim, new InetSocketAddress("127.0.0.1", 0), Ec2QueryService.Settings.open(), false);
  }

  @AfterAll
  static void stop() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  /** One backend's client and the ids the sequence made there, by role. */
  static final class Side {
    final Ec2Client ec2;
    final Map<String, String> ids = new LinkedHashMap<>();

    Side(URI uri, String instanceId) {
      ids.put("instance", instanceId);
      ec2 =
          Ec2Client.builder()
              .region(Region.of(REGION))
              .endpointOverride(uri)
              .credentialsProvider(MotoServer.CREDENTIALS)
              .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
              .build();
    }

    String id(String role) {
      return ids.get(role);
    }

    /** Ids of the sequence's resources by role, any other id by its kind only. */
    String normalise(String text) {
      String out = text;
      for (Map.Entry<String, String> e : ids.entrySet()) {
        out = out.replace(e.getValue(), "<" + e.getKey() + ">");
      }
      return out.replaceAll("\\b(sg|sgr|vpc|eni|i|pl|r)-[0-9a-f]{8,17}\\b", "<$1>");
    }
  }

  record Step(String name, Function<Side, Object> call) {}

  private static Object error(Runnable call) {
    try {
      call.run();
      return "ok";
    } catch (Ec2Exception e) {
      return code(e);
    }
  }

  private static String code(Ec2Exception e) {
    return "error "
        + (e.awsErrorDetails() == null ? "?" : e.awsErrorDetails().errorCode())
        + " (HTTP "
        + e.statusCode()
        + ")";
  }

  private static String view(SecurityGroup g) {
    return "name="
        + g.groupName()
        + " description="
        + g.description()
        + " vpc="
        + g.vpcId()
        + " owner="
        + (g.ownerId() == null ? "none" : "set")
        + " ingress="
        + permissions(g.ipPermissions())
        + " egress="
        + permissions(g.ipPermissionsEgress())
        + " tags="
        + tags(g.tags());
  }

  private static List<String> permissions(List<IpPermission> perms) {
    List<String> out = new ArrayList<>();
    for (IpPermission p : perms) {
      String head = p.ipProtocol() + ":" + p.fromPort() + "-" + p.toPort();
      p.ipRanges().forEach(r -> out.add(head + " " + r.cidrIp() + " '" + r.description() + "'"));
      p.ipv6Ranges()
          .forEach(r -> out.add(head + " " + r.cidrIpv6() + " '" + r.description() + "'"));
      p.userIdGroupPairs()
          .forEach(u -> out.add(head + " " + u.groupId() + " '" + u.description() + "'"));
      p.prefixListIds()
          .forEach(l -> out.add(head + " " + l.prefixListId() + " '" + l.description() + "'"));
    }
    out.sort(null);
    return out;
  }

  private static Map<String, String> tags(List<Tag> tags) {
    Map<String, String> out = new TreeMap<>();
    tags.forEach(t -> out.put(t.key(), t.value()));
    return out;
  }

  private static List<String> rules(List<SecurityGroupRule> rules) {
    return rules.stream()
        .map(
            r ->
                (r.isEgress() ? "egress " : "ingress ")
                    + r.groupId()
                    + " "
                    + r.ipProtocol()
                    + ":"
                    + r.fromPort()
                    + "-"
                    + r.toPort()
                    + " "
                    + (r.cidrIpv4() != null
                        ? r.cidrIpv4()
                        : r.cidrIpv6() != null
                            ? r.cidrIpv6()
                            : r.referencedGroupInfo() != null
                                ? r.referencedGroupInfo().groupId()
                                : r.prefixListId())
                    + " '"
                    + r.description()
                    + "' id="
                    + (r.securityGroupRuleId() == null ? "none" : "set"))
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  private static SecurityGroup describe(Side s, String role) {
    return s.ec2.describeSecurityGroups(r -> r.groupIds(s.id(role))).securityGroups().get(0);
  }

  private static List<SecurityGroupRule> rulesOf(Side s, String role) {
    return s.ec2
        .describeSecurityGroupRules(
            r -> r.filters(Filter.builder().name("group-id").values(s.id(role)).build()))
        .securityGroupRules();
  }

  private static IpPermission tcp(int port, String cidr, String description) {
    return IpPermission.builder()
        .ipProtocol("tcp")
        .fromPort(port)
        .toPort(port)
        .ipRanges(IpRange.builder().cidrIp(cidr).description(description).build())
        .build();
  }

  static List<Step> sequence() {
    List<Step> steps = new ArrayList<>();
    steps.add(
        new Step(
            "the VPC",
            s -> {
              String vpc =
                  s.ec2
                      .describeVpcs(
                          r ->
                              r.filters(
                                  Filter.builder().name("cidr").values("10.0.0.0/16").build()))
                      .vpcs()
                      .get(0)
                      .vpcId();
              s.ids.put("vpc", vpc);
              return "found";
            }));
    steps.add(
        new Step(
            "create a group with tags",
            s -> {
              var resp =
                  s.ec2.createSecurityGroup(
                      r ->
                          r.groupName("diff-web")
                              .description("web tier")
                              .vpcId(s.id("vpc"))
                              .tagSpecifications(
                                  TagSpecification.builder()
                                      .resourceType(ResourceType.SECURITY_GROUP)
                                      .tags(Tag.builder().key("team").value("web").build())
                                      .build()));
              s.ids.put("web", resp.groupId());
              return "tags=" + tags(resp.tags());
            }));
    steps.add(
        new Step(
            "create a second group",
            s -> {
              s.ids.put(
                  "app",
                  s.ec2
                      .createSecurityGroup(
                          r -> r.groupName("diff-app").description("app tier").vpcId(s.id("vpc")))
                      .groupId());
              return "ok";
            }));
    steps.add(new Step("describe a new group", s -> view(describe(s, "web"))));
    steps.add(
        new Step(
            "a duplicate name, in another case",
            s ->
                error(
                    () ->
                        s.ec2.createSecurityGroup(
                            r -> r.groupName("DIFF-WEB").description("x").vpcId(s.id("vpc"))))));
    steps.add(
        new Step(
            "a group named default",
            s ->
                error(
                    () ->
                        s.ec2.createSecurityGroup(
                            r -> r.groupName("default").description("x").vpcId(s.id("vpc"))))));
    steps.add(
        new Step(
            "authorize ingress: IPv4, IPv6 and a group",
            s ->
                rules(
                    s.ec2
                        .authorizeSecurityGroupIngress(
                            r ->
                                r.groupId(s.id("web"))
                                    .ipPermissions(
                                        IpPermission.builder()
                                            .ipProtocol("tcp")
                                            .fromPort(443)
                                            .toPort(443)
                                            .ipRanges(
                                                IpRange.builder()
                                                    .cidrIp("10.0.0.0/8")
                                                    .description("vpc")
                                                    .build())
                                            .ipv6Ranges(
                                                Ipv6Range.builder()
                                                    .cidrIpv6("2001:db8::/32")
                                                    .build())
                                            .userIdGroupPairs(
                                                UserIdGroupPair.builder()
                                                    .groupId(s.id("app"))
                                                    .description("from app")
                                                    .build())
                                            .build()))
                        .securityGroupRules())));
    steps.add(new Step("describe the rules of a group", s -> view(describe(s, "web"))));
    steps.add(new Step("describe security group rules", s -> rules(rulesOf(s, "web"))));
    steps.add(
        new Step(
            "authorize an existing rule",
            s ->
                error(
                    () ->
                        s.ec2.authorizeSecurityGroupIngress(
                            r ->
                                r.groupId(s.id("web"))
                                    .ipPermissions(tcp(443, "10.0.0.0/8", null))))));
    steps.add(
        new Step(
            "a batch with one existing rule adds nothing",
            s -> {
              s.ids.put(
                  "batch",
                  s.ec2
                      .createSecurityGroup(
                          r -> r.groupName("diff-batch").description("batch").vpcId(s.id("vpc")))
                      .groupId());
              s.ec2.authorizeSecurityGroupIngress(
                  r -> r.groupId(s.id("batch")).ipPermissions(tcp(443, "10.0.0.0/8", null)));
              Object e =
                  error(
                      () ->
                          s.ec2.authorizeSecurityGroupIngress(
                              r ->
                                  r.groupId(s.id("batch"))
                                      .ipPermissions(
                                          tcp(8080, "10.1.0.0/16", null),
                                          tcp(443, "10.0.0.0/8", null))));
              return e + " " + permissions(describe(s, "batch").ipPermissions());
            }));
    steps.add(
        new Step(
            "update a description by permission",
            s -> {
              s.ec2.updateSecurityGroupRuleDescriptionsIngress(
                  r -> r.groupId(s.id("web")).ipPermissions(tcp(443, "10.0.0.0/8", "whole vpc")));
              return permissions(describe(s, "web").ipPermissions());
            }));
    steps.add(
        new Step(
            "revoke a rule the group does not have",
            s ->
                error(
                    () ->
                        s.ec2.revokeSecurityGroupIngress(
                            r ->
                                r.groupId(s.id("web"))
                                    .ipPermissions(tcp(22, "192.0.2.0/24", null))))));
    steps.add(
        new Step(
            "revoke by rule id",
            s -> {
              String v6 =
                  rulesOf(s, "web").stream()
                      .filter(r -> r.cidrIpv6() != null)
                      .findFirst()
                      .orElseThrow()
                      .securityGroupRuleId();
              var resp =
                  s.ec2.revokeSecurityGroupIngress(
                      r -> r.groupId(s.id("web")).securityGroupRuleIds(v6));
              return resp.returnValue() + " " + permissions(describe(s, "web").ipPermissions());
            }));
    steps.add(
        new Step(
            "revoke the IPv6 default egress",
            s -> {
              s.ec2.authorizeSecurityGroupEgress(
                  r ->
                      r.groupId(s.id("app"))
                          .ipPermissions(
                              IpPermission.builder()
                                  .ipProtocol("-1")
                                  .ipv6Ranges(Ipv6Range.builder().cidrIpv6("::/0").build())
                                  .build()));
              s.ec2.revokeSecurityGroupEgress(
                  r ->
                      r.groupId(s.id("app"))
                          .ipPermissions(
                              IpPermission.builder()
                                  .ipProtocol("-1")
                                  .ipv6Ranges(Ipv6Range.builder().cidrIpv6("::/0").build())
                                  .build()));
              return permissions(describe(s, "app").ipPermissionsEgress());
            }));
    steps.add(
        new Step(
            "tags added, overwritten and removed",
            s -> {
              s.ec2.createTags(
                  r ->
                      r.resources(s.id("web"))
                          .tags(
                              Tag.builder().key("team").value("platform").build(),
                              Tag.builder().key("env").value("test").build()));
              s.ec2.deleteTags(
                  r -> r.resources(s.id("web")).tags(Tag.builder().key("env").build()));
              return tags(describe(s, "web").tags());
            }));
    steps.add(
        new Step(
            "filter by name with a wildcard",
            s ->
                s
                    .ec2
                    .describeSecurityGroups(
                        r ->
                            r.filters(Filter.builder().name("group-name").values("diff-*").build()))
                    .securityGroups()
                    .stream()
                    .map(SecurityGroup::groupName)
                    .sorted()
                    .toList()));
    steps.add(
        new Step(
            "filter by tag",
            s ->
                s
                    .ec2
                    .describeSecurityGroups(
                        r ->
                            r.filters(Filter.builder().name("tag:team").values("platform").build()))
                    .securityGroups()
                    .stream()
                    .map(SecurityGroup::groupName)
                    .toList()));
    steps.add(
        new Step(
            "more groups",
            s -> {
              for (int i = 0; i < 5; i++) {
                String name = "diff-page-" + i;
                s.ec2.createSecurityGroup(
                    r -> r.groupName(name).description("page").vpcId(s.id("vpc")));
              }
              return "ok";
            }));
    steps.add(
        new Step(
            "describe with MaxResults 5",
            s -> {
              var page = s.ec2.describeSecurityGroups(r -> r.maxResults(5));
              return "at most 5: "
                  + (page.securityGroups().size() <= 5)
                  + ", token when more: "
                  + (page.nextToken() != null || page.securityGroups().size() < 5);
            }));
    steps.add(
        new Step(
            "an unknown group",
            s ->
                error(
                    () -> s.ec2.describeSecurityGroups(r -> r.groupIds("sg-0123456789abcdef0")))));
    steps.add(
        new Step(
            "a malformed group id",
            s -> error(() -> s.ec2.describeSecurityGroups(r -> r.groupIds("sg-nothex")))));
    steps.add(
        new Step(
            "give an instance a group",
            s -> {
              s.ids.put(
                  "carried",
                  s.ec2
                      .createSecurityGroup(
                          r ->
                              r.groupName("diff-carried")
                                  .description("on an instance")
                                  .vpcId(s.id("vpc")))
                      .groupId());
              s.ec2.modifyInstanceAttribute(
                  r -> r.instanceId(s.id("instance")).groups(s.id("carried")));
              return s
                  .ec2
                  .describeInstances(r -> r.instanceIds(s.id("instance")))
                  .reservations()
                  .get(0)
                  .instances()
                  .get(0)
                  .networkInterfaces()
                  .get(0)
                  .groups()
                  .stream()
                  .map(g -> g.groupId() + " " + g.groupName())
                  .toList();
            }));
    steps.add(
        new Step(
            "the interfaces that carry a group",
            s ->
                s
                    .ec2
                    .describeNetworkInterfaces(
                        r ->
                            r.filters(
                                Filter.builder().name("group-id").values(s.id("carried")).build()))
                    .networkInterfaces()
                    .stream()
                    .map(
                        n ->
                            n.attachment().instanceId()
                                + " device "
                                + n.attachment().deviceIndex()
                                + " vpc "
                                + n.vpcId()
                                + " groups "
                                + n.groups().stream().map(g -> g.groupId()).toList())
                    .toList()));
    steps.add(
        new Step(
            "delete a group an instance carries",
            s -> error(() -> s.ec2.deleteSecurityGroup(r -> r.groupId(s.id("carried"))))));
    steps.add(
        new Step(
            "an unknown instance",
            s -> error(() -> s.ec2.describeInstances(r -> r.instanceIds("i-0123456789abcdef0")))));
    steps.add(
        new Step(
            "delete a group another group's rule references",
            s -> error(() -> s.ec2.deleteSecurityGroup(r -> r.groupId(s.id("app"))))));
    steps.add(
        new Step(
            "delete a group, then describe it",
            s -> {
              Object gone = error(() -> s.ec2.deleteSecurityGroup(r -> r.groupId(s.id("web"))));
              return gone + " then " + error(() -> describe(s, "web"));
            }));
    return steps;
  }

  private static Map<String, String> run(URI uri, String instanceId) {
    Side s = new Side(uri, instanceId);
    Map<String, String> out = new LinkedHashMap<>();
    for (Step step : sequence()) {
      Object answer;
      try {
        answer = step.call().apply(s);
      } catch (Ec2Exception e) {
        answer = code(e);
      } catch (RuntimeException e) {
        answer = "failed: " + e;
      }
      out.put(step.name(), s.normalise(String.valueOf(answer)));
    }
    s.ec2.close();
    return out;
  }

  @Test
  void motoAndTheEndpointAnswerAlikeButWhereEc2sDocumentationSaysOtherwise() {
    Map<String, String> fromMoto = run(moto.endpoint(), motoInstance);
    Map<String, String> fromEndpoint = run(endpoint.uri(), ENDPOINT_INSTANCE);
    Map<String, String> differences = new TreeMap<>();
    fromMoto.forEach(
        (step, answer) -> {
          if (!answer.equals(fromEndpoint.get(step))) {
            differences.put(step, "moto: " + answer + "\n    endpoint: " + fromEndpoint.get(step));
          }
        });
    StringBuilder report = new StringBuilder();
    differences.forEach((k, v) -> report.append("\n  ").append(k).append("\n    ").append(v));
    System.out.println("DifferentialIT: " + differences.size() + " differences" + report);
    assertThat(differences.keySet()).as(report.toString()).isEqualTo(KNOWN.keySet());
  }
}
