package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.BASTION;
import static dev.portcullis.it.OperatorRun.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.ReachabilityVerdict;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ReachabilityChecks follow what EC2 holds, and say whether it is a time-out or a refusal. */
@ExtendWith(DiagnosticsOnFailure.class)
class ReachabilityCheckIT {

  static String check(String name, String from, int port, String expect) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  from: "
        + from
        + "\n  to: {instanceId: "
        + DB
        + "}\n  protocol: tcp\n  port: "
        + port
        + (expect == null ? "" : "\n  expect: " + expect)
        + "\n";
  }

  @Test
  void groupsAttachmentsAndChecksAppliedTogetherRaiseNoFalseAlarm() {
    try (OperatorRun run = new OperatorRun("reach-together").start()) {
      // all at once, checks first: until the group is on db, psql would time out
      run.apply(ReachabilityCheck.class, check("psql", "{cidr: 10.0.1.10/32}", 5432, "Reachable"));
      run.apply(
          SecurityGroupAttachment.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
              + "metadata: {name: db}\nspec:\n  region: eu-west-1\n  securityGroups: [db]\n"
              + "  instances: {ids: ["
              + DB
              + "]}\n");
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: db}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  ingress:\n"
              + "    - ports: [5432]\n      from: [{cidr: 10.0.1.10/32}]\n");
      run.awaitCondition(ReachabilityCheck.class, "psql", "ExpectationMet", "True");
      assertThat(run.events("psql"))
          .as("no ExpectationNotMet while the group and attachment converged")
          .noneMatch(e -> "ExpectationNotMet".equals(e.getReason()));
      assertThat(run.events("psql")).anyMatch(e -> "ExpectationMet".equals(e.getReason()));
    }
  }

  @Test
  void verdictsFollowRuleAndAttachmentChangesAndUnmetExpectationsWarn() {
    try (OperatorRun run = new OperatorRun("reach").start()) {
      // db (10.0.2.30) listens on 5432 only and carries its VPC's default group, which admits
      // its members whatever their address, not an address: 10.0.1.10 (the bastion's) times out.
      run.apply(ReachabilityCheck.class, check("psql", "{cidr: 10.0.1.10/32}", 5432, "Reachable"));
      run.apply(ReachabilityCheck.class, check("ssh", "{cidr: 10.0.1.10/32}", 22, null));
      Condition unmet =
          run.awaitCondition(
              ReachabilityCheck.class, "psql", "ExpectationMet", "False", "ExpectationNotMet");
      assertThat(unmet.getMessage()).contains("TimedOut");
      run.awaitEvent("psql", "ExpectationNotMet");
      assertThat(run.get(ReachabilityCheck.class, "psql").getStatus().getVerdict())
          .isEqualTo(ReachabilityVerdict.TIMED_OUT);

      // A group that admits the bastion on 5432 and 22, attached to db: psql gets through, ssh
      // is allowed but nothing listens there, so it is refused rather than timed out.
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: db}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  ingress:\n"
              + "    - ports: [5432, ssh]\n      from: [{cidr: 10.0.1.10/32}]\n"
              + "      description: from the bastion\n");
      run.apply(
          SecurityGroupAttachment.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\nmetadata: {name: db}\n"
              + "spec:\n  region: eu-west-1\n  securityGroups: [db]\n  instances: {ids: ["
              + DB
              + "]}\n");
      run.awaitCondition(ReachabilityCheck.class, "psql", "ExpectationMet", "True");
      ReachabilityCheck psql = run.get(ReachabilityCheck.class, "psql");
      assertThat(psql.getStatus().getVerdict()).isEqualTo(ReachabilityVerdict.REACHABLE);
      assertThat(psql.getStatus().getDecidingRule().getGroupId()).isEqualTo(run.groupId("db"));
      assertThat(psql.getStatus().getDecidingRule().getRule())
          .contains("5432")
          .contains("10.0.1.10/32");
      assertThat(psql.getStatus().getExplanation()).contains(run.groupId("db"));

      await()
          .atMost(30, TimeUnit.SECONDS)
          .pollInterval(200, TimeUnit.MILLISECONDS)
          .until(
              () ->
                  run.get(ReachabilityCheck.class, "ssh").getStatus().getVerdict()
                      == ReachabilityVerdict.CONNECTION_REFUSED);
      assertThat(run.get(ReachabilityCheck.class, "ssh").getStatus().getExplanation())
          .containsIgnoringCase("listen");
      assertThat(OperatorRun.condition(run.get(ReachabilityCheck.class, "ssh"), "ExpectationMet"))
          .isNull();
    }
  }

  @Test
  void anUnknownInstanceIsAConditionNotAVerdict() {
    try (OperatorRun run = new OperatorRun("reach-unknown").start()) {
      run.apply(ReachabilityCheck.class, check("nowhere", "{instanceId: i-0fffffff}", 22, null));
      Condition c =
          run.awaitCondition(
              ReachabilityCheck.class, "nowhere", "Evaluated", "False", "InstanceNotFound");
      assertThat(c.getMessage()).contains("i-0fffffff");
      assertThat(run.get(ReachabilityCheck.class, "nowhere").getStatus().getVerdict()).isNull();
    }
  }

  static String checkTo(String name, String cidr, int port, String expect) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  from: {instanceId: "
        + BASTION
        + "}\n  to: {cidr: \""
        + cidr
        + "\"}\n  port: "
        + port
        + "\n  expect: "
        + expect
        + "\n";
  }

  @Test
  void aCheckToAnAddressOutsideTheEstateFollowsTheSourcesEgressRules() {
    try (OperatorRun run = new OperatorRun("reach-address").start()) {
      // The bastion carries its VPC's default group, whose default egress rule lets all out.
      run.apply(ReachabilityCheck.class, checkTo("internet", "8.8.8.8", 443, "Reachable"));
      run.apply(ReachabilityCheck.class, checkTo("vpn", "10.2.0.0/16", 5432, "Reachable"));
      run.awaitCondition(ReachabilityCheck.class, "internet", "ExpectationMet", "True");
      ReachabilityCheck internet = run.get(ReachabilityCheck.class, "internet");
      assertThat(internet.getStatus().getVerdict()).isEqualTo(ReachabilityVerdict.REACHABLE);
      assertThat(internet.getStatus().getExplanation())
          .startsWith("reachable as far as security groups go")
          .contains("8.8.8.8 is outside the estate")
          .contains("its network ACLs and its routes are not known");
      assertThat(internet.getStatus().getDecidingRule().getRule())
          .isEqualTo("egress all traffic to 0.0.0.0/0");

      // Egress only to 10.2.0.0/16 on 5432, instead of the default group: the internet is cut off.
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: out}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  egress:\n"
              + "    - ports: [5432]\n      to: [{cidr: 10.2.0.0/16}]\n");
      run.apply(
          SecurityGroupAttachment.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
              + "metadata: {name: out}\nspec:\n  region: eu-west-1\n  securityGroups: [out]\n"
              + "  instances: {ids: ["
              + BASTION
              + "]}\n");
      Condition unmet =
          run.awaitCondition(
              ReachabilityCheck.class, "internet", "ExpectationMet", "False", "ExpectationNotMet");
      assertThat(unmet.getMessage()).contains("TimedOut");
      ReachabilityCheck cut = run.get(ReachabilityCheck.class, "internet");
      assertThat(cut.getStatus().getVerdict()).isEqualTo(ReachabilityVerdict.TIMED_OUT);
      assertThat(cut.getStatus().getExplanation())
          .contains("no egress rule of group " + run.groupId("out"))
          .contains("to 8.8.8.8");
      assertThat(cut.getStatus().getDecidingRule()).isNull();

      run.awaitCondition(ReachabilityCheck.class, "vpn", "ExpectationMet", "True");
      assertThat(run.get(ReachabilityCheck.class, "vpn").getStatus().getExplanation())
          .contains("to all of 10.2.0.0/16 is allowed out by rule")
          .contains("a route that Portcullis does not model");
    }
  }
}
