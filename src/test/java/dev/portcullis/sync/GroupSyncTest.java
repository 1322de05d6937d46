package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.ForwardingCloud;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Ownership;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupSyncTest {
  static final String EU = "eu-west-1";

  final Ec2Simulator sim = DemoWorld.unthrottled();
  final Retry retry = new Retry(3, 1, 1, ms -> {}, 1);

  static Rule ssh(String cidr) {
    return new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, (Cidr4) Ip.parseCidr(cidr).cidr(), "");
  }

  SecurityGroupInfo newGroup() {
    return sim.createSecurityGroup(EU, "vpc-0a000001", "shop/web", "d", Map.of());
  }

  List<Rule> held(String groupId) {
    return sim
        .describeSecurityGroups(EU, GroupFilter.ids(groupId), null, null)
        .items()
        .get(0)
        .rules()
        .stream()
        .map(ObservedRule::rule)
        .sorted()
        .toList();
  }

  /** EC2 carries out the first call of {@code method}, and its answer is lost (a reset). */
  static final class LosesFirstAnswer extends ForwardingCloud {
    final String method;
    boolean lost;

    LosesFirstAnswer(CloudPort ec2, String method) {
      super(ec2);
      this.method = method;
    }

    void maybeLose(String called) {
      if (called.equals(method) && !lost) {
        lost = true;
        throw new CloudException("ClientError", CloudException.Kind.TRANSIENT, "connection reset");
      }
    }

    @Override
    public List<String> authorize(String region, String id, Direction d, List<Rule> rules) {
      List<String> ids = super.authorize(region, id, d, rules);
      maybeLose("authorize");
      return ids;
    }

    @Override
    public void revoke(String region, String id, Direction d, List<Rule> rules) {
      super.revoke(region, id, d, rules);
      maybeLose("revoke");
    }
  }

  @Test
  void anAuthorizeWhoseAnswerWasLostIsNotReportedAsADuplicate() {
    SecurityGroupInfo g = newGroup();
    LosesFirstAnswer ec2 = new LosesFirstAnswer(sim, "authorize");
    GroupSync sync = new GroupSync(ec2, retry, Quotas.DEFAULT);
    List<Rule> desired = List.of(ssh("10.0.0.0/16"), ssh("10.1.0.0/16"), Rule.DEFAULT_EGRESS);

    GroupSync.Outcome outcome =
        sync.syncRules(EU, g, desired, Ownership.AUTHORITATIVE, true, Map.of());

    assertThat(ec2.lost).isTrue();
    assertThat(sim.calls().count("AuthorizeSecurityGroupIngress", "InvalidPermission.Duplicate"))
        .as("the retry met its own effect")
        .isEqualTo(1);
    assertThat(outcome.applied()).isTrue();
    assertThat(outcome.plan().isEmpty()).as("the plan that was needed").isFalse();
    assertThat(outcome.held()).containsExactlyInAnyOrderElementsOf(desired);
    assertThat(held(g.groupId())).containsExactlyInAnyOrderElementsOf(desired);
  }

  @Test
  void aRevokeWhoseAnswerWasLostIsNotReportedAsAMissingRule() {
    SecurityGroupInfo g = newGroup();
    // a group that holds SSH from two ranges, one of which must go, and no egress rule
    sim.authorize(
        EU, g.groupId(), Direction.INGRESS, List.of(ssh("10.0.0.0/16"), ssh("10.9.0.0/16")));
    SecurityGroupInfo before =
        sim.describeSecurityGroups(EU, GroupFilter.ids(g.groupId()), null, null).items().get(0);
    LosesFirstAnswer ec2 = new LosesFirstAnswer(sim, "revoke");
    GroupSync sync = new GroupSync(ec2, retry, Quotas.DEFAULT);
    List<Rule> desired = List.of(ssh("10.0.0.0/16"));

    GroupSync.Outcome outcome =
        sync.syncRules(EU, before, desired, Ownership.AUTHORITATIVE, true, Map.of());

    assertThat(ec2.lost).isTrue();
    assertThat(outcome.applied()).isTrue();
    assertThat(outcome.held()).containsExactlyElementsOf(desired);
    assertThat(held(g.groupId())).containsExactlyElementsOf(desired);
  }

  @Test
  void aRuleThatIsStillMissingAfterTheGroupIsReadAgainIsAdded() {
    // the operator's copy of the group is out of date: a rule it lacks was added outside it, and
    // one it holds was revoked outside it
    SecurityGroupInfo g = newGroup();
    sim.authorize(EU, g.groupId(), Direction.INGRESS, List.of(ssh("10.1.0.0/16")));
    SecurityGroupInfo stale =
        new SecurityGroupInfo(
            g.groupId(),
            g.groupName(),
            g.description(),
            g.vpcId(),
            g.tags(),
            List.of(new ObservedRule(null, Rule.DEFAULT_EGRESS)));
    GroupSync sync = new GroupSync(sim, retry, Quotas.DEFAULT);
    List<Rule> desired = List.of(ssh("10.0.0.0/16"), ssh("10.1.0.0/16"), Rule.DEFAULT_EGRESS);

    GroupSync.Outcome outcome =
        sync.syncRules(EU, stale, desired, Ownership.AUTHORITATIVE, true, Map.of());

    assertThat(outcome.held()).containsExactlyInAnyOrderElementsOf(desired);
    assertThat(held(g.groupId())).containsExactlyInAnyOrderElementsOf(desired);
  }
}
