package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.CloudPortContract;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The port's contract on {@link AwsCloud}, against moto's EC2 on 127.0.0.1. The fixture (a VPC, a
 * subnet and two instances in it) is made through the SDK before the tests. Where moto differs from
 * EC2's documented behaviour the case is skipped with the reason and the documentation page.
 */
class AwsCloudPortIT extends CloudPortContract {
  private static final String REGION = "eu-west-1";

  private static MotoServer moto;
  private static AwsCloud cloud;
  private static Fixture fixture;
  private static String subnetId;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    cloud = moto.cloud();
    Ec2Client ec2 = cloud.client(REGION);
    MotoServer.Network net = MotoServer.network(ec2, "bastion", "db");
    subnetId = net.subnetId();
    String prefixList =
        ec2.createManagedPrefixList(
                r -> r.prefixListName("offices").addressFamily("IPv4").maxEntries(12))
            .prefixList()
            .prefixListId();
    fixture =
        new Fixture(
            REGION,
            net.vpcId(),
            net.instanceIds().get(0),
            "role",
            "bastion",
            net.instanceIds().get(1),
            prefixList,
            12);
  }

  @AfterAll
  static void stopMoto() throws Exception {
    if (cloud != null) {
      cloud.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  protected CloudPort port() {
    return cloud;
  }

  @Override
  protected Fixture fixture() {
    return fixture;
  }

  /** Where moto is known to differ from EC2, with the page that documents EC2's behaviour. */
  private static final Map<Ec2Behaviour, String> MOTO_DEVIATIONS =
      Map.of(
          Ec2Behaviour.PAGINATES_BY_MAX_RESULTS,
          "moto ignores MaxResults and returns every group in one page, where EC2 returns at most"
              + " MaxResults and a NextToken; see"
              + " https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html",
          Ec2Behaviour.DEPENDENCY_VIOLATION_ON_DELETE,
          "moto deletes a group that another group's rule references, where EC2 fails with"
              + " DependencyViolation; see"
              + " https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html",
          Ec2Behaviour.DUPLICATE_FAILS_WHOLE_BATCH,
          "moto adds the new rules of a batch before failing on its duplicate, where an EC2 call"
              + " succeeds or fails whole; see"
              + " https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html",
          Ec2Behaviour.RULE_QUOTA_PER_DIRECTION_AND_FAMILY,
          "moto counts IPv4 and IPv6 rules together against the quota of 60, where EC2 counts"
              + " each family separately; see"
              + " https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups",
          Ec2Behaviour.INSTANCE_GROUPS_REPLACE_INTERFACE_GROUPS,
          "moto adds the groups of ModifyInstanceAttribute to the primary interface's instead of"
              + " replacing them; see"
              + " https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html",
          Ec2Behaviour.REVOKES_IPV6_EGRESS,
          "moto answers success to a RevokeSecurityGroupEgress of an IPv6 range but keeps the"
              + " rule; see"
              + " https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupEgress.html");

  /**
   * Runs the case all the same: while moto still fails it, the case is skipped with the reason;
   * once moto follows EC2 there, the case fails so that the entry above is removed.
   */
  @Override
  protected void documented(Ec2Behaviour b, Case body) throws Exception {
    String why = MOTO_DEVIATIONS.get(b);
    if (why == null) {
      body.run();
      return;
    }
    try {
      body.run();
    } catch (AssertionError | CloudException e) {
      Assumptions.abort("known moto deviation: " + why + " (here: " + firstLine(e) + ")");
    }
    throw new AssertionError(
        "moto now follows EC2 on " + b + ": remove it from AwsCloudPortIT.MOTO_DEVIATIONS");
  }

  /**
   * An interface that no instance carries, as load balancers and functions make them, is found by
   * the group it carries, and named by its description.
   */
  @Test
  void anInterfaceOfNoInstanceIsDescribedWithItsDescription() {
    SecurityGroupInfo g =
        cloud.createSecurityGroup(
            REGION, fixture.vpcId(), uniqueName("held"), "held by an interface", Map.of());
    String eni =
        cloud
            .client(REGION)
            .createNetworkInterface(
                r -> r.subnetId(subnetId).groups(g.groupId()).description("ELB net/web/1"))
            .networkInterface()
            .networkInterfaceId();

    assertThat(cloud.describeAllNetworkInterfaces(REGION, g.groupId()))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.interfaceId()).isEqualTo(eni);
              assertThat(n.instanceId()).isNull();
              assertThat(n.groupIds()).containsExactly(g.groupId());
              assertThat(n.interfaceType()).isEqualTo("interface");
              assertThat(n.display()).isEqualTo(eni + " (type interface, \"ELB net/web/1\")");
            });
  }

  @Test
  void everyRequestIsCountedByOperationAndOutcome() {
    Map<String, Map<String, Long>> before = cloud.calls().snapshot();
    SecurityGroupInfo g =
        cloud.createSecurityGroup(
            REGION, fixture.vpcId(), "counted-" + System.nanoTime(), "counted", Map.of());
    Rule ssh =
        new Rule(
            Direction.INGRESS, Protocol.TCP, 22, 22, Ip.parseCidr("192.0.2.10/32").cidr(), null);
    cloud.authorize(REGION, g.groupId(), Direction.INGRESS, List.of(ssh));
    catchThrowableOfType(
        CloudException.class,
        () -> cloud.authorize(REGION, g.groupId(), Direction.INGRESS, List.of(ssh)));
    cloud.describeSecurityGroups(REGION, GroupFilter.ids(g.groupId()), null, null);
    SecurityGroupInfo bare =
        cloud
            .describeSecurityGroups(
                REGION, GroupFilter.ids(g.groupId()).withoutRuleIds(), null, null)
            .items()
            .get(0);
    cloud.deleteSecurityGroup(REGION, g.groupId());

    Map<String, Map<String, Long>> after = cloud.calls().snapshot();
    assertThat(delta(before, after, "CreateSecurityGroup", CallCounters.SUCCESS)).isEqualTo(1);
    assertThat(delta(before, after, "AuthorizeSecurityGroupIngress", CallCounters.SUCCESS))
        .isEqualTo(1);
    assertThat(delta(before, after, "AuthorizeSecurityGroupIngress", "InvalidPermission.Duplicate"))
        .isEqualTo(1);
    // a group describe also asks for the rules' ids, unless told it needs none
    assertThat(delta(before, after, "DescribeSecurityGroups", CallCounters.SUCCESS)).isEqualTo(2);
    assertThat(delta(before, after, "DescribeSecurityGroupRules", CallCounters.SUCCESS))
        .isEqualTo(1);
    assertThat(bare.rules())
        .as("the rules, each without its id")
        .anyMatch(o -> o.rule().key().equals(ssh.key()))
        .extracting(ObservedRule::ruleId)
        .containsOnlyNulls();
    assertThat(delta(before, after, "DeleteSecurityGroup", CallCounters.SUCCESS)).isEqualTo(1);
  }

  private static long delta(
      Map<String, Map<String, Long>> before,
      Map<String, Map<String, Long>> after,
      String operation,
      String outcome) {
    return after.getOrDefault(operation, Map.of()).getOrDefault(outcome, 0L)
        - before.getOrDefault(operation, Map.of()).getOrDefault(outcome, 0L);
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl) + " ...";
  }
}
