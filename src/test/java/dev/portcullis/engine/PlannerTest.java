package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final Cidr4 OFFICE = (Cidr4) Ip.parseCidr("198.51.100.0/24").cidr();
  private static final Cidr4 VPN = (Cidr4) Ip.parseCidr("192.0.2.0/24").cidr();

  private static Rule ssh(Peer from) {
    return new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, from, "");
  }

  @Test
  void authorizesMissingAndRevokesUnwanted() {
    Plan plan =
        Planner.plan(
            List.of(ssh(VPN), Rule.DEFAULT_EGRESS),
            List.of(ssh(OFFICE), Rule.DEFAULT_EGRESS),
            Ownership.AUTHORITATIVE);
    assertThat(plan.authorize()).containsExactly(ssh(VPN));
    assertThat(plan.revoke()).containsExactly(ssh(OFFICE));
    assertThat(plan.updateDescription()).isEmpty();
  }

  @Test
  void stepsAuthorizeBeforeTheyRevoke() {
    Rule egressHttps = new Rule(Direction.EGRESS, Protocol.TCP, 443, 443, Cidr4.ANY, "");
    Plan plan =
        Planner.plan(
            List.of(ssh(VPN), egressHttps),
            List.of(ssh(OFFICE), Rule.DEFAULT_EGRESS),
            Ownership.AUTHORITATIVE);
    assertThat(plan.steps())
        .extracting(Plan.Step::action)
        .containsExactly(
            Plan.Action.AUTHORIZE, Plan.Action.AUTHORIZE, Plan.Action.REVOKE, Plan.Action.REVOKE);
  }

  @Test
  void descriptionChangeIsAnUpdateNotARevokeAndAuthorize() {
    Plan plan =
        Planner.plan(
            List.of(ssh(VPN).withDescription("vpn")),
            List.of(ssh(VPN).withDescription("old")),
            Ownership.AUTHORITATIVE);
    assertThat(plan.authorize()).isEmpty();
    assertThat(plan.revoke()).isEmpty();
    assertThat(plan.updateDescription()).containsExactly(ssh(VPN).withDescription("vpn"));
  }

  @Test
  void ec2sEquivalentFormsProduceNoDiff() {
    // The user wrote tcp ports [http, https] from two CIDRs and a self reference.
    Canonicalizer.Result desired =
        Canonicalizer.canonicalize(
            List.of(
                RuleSpec.of(
                    "spec.ingress[0]",
                    Direction.INGRESS,
                    "tcp",
                    List.of("https", "http"),
                    List.of(
                        PeerSpec.cidr("10.1.2.3/16"), PeerSpec.cidr("::/0"), PeerSpec.selfRef()))));
    List<Rule> resolved =
        Resolver.resolve(desired.rules(), "sg-0123456789abcdef0", Map.of()).rules();
    // EC2 answers with protocol "6", ranges grouped into permissions, and self as the group's id.
    GroupPeer self = new GroupPeer("sg-0123456789abcdef0");
    Cidr4 masked = (Cidr4) Ip.parseCidr("10.1.0.0/16").cidr();
    Cidr6 any6 = Cidr6.ANY;
    List<Rule> observed =
        List.of(
            Canonicalizer.fromEc2(Direction.INGRESS, "6", 443, 443, any6, null),
            Canonicalizer.fromEc2(Direction.INGRESS, "6", 80, 80, self, ""),
            Canonicalizer.fromEc2(Direction.INGRESS, "6", 443, 443, masked, ""),
            Canonicalizer.fromEc2(Direction.INGRESS, "tcp", 80, 80, masked, null),
            Canonicalizer.fromEc2(Direction.INGRESS, "6", 80, 80, any6, null),
            Canonicalizer.fromEc2(Direction.INGRESS, "6", 443, 443, self, null));
    assertThat(Planner.plan(resolved, observed, Ownership.AUTHORITATIVE).isEmpty()).isTrue();
  }

  @Test
  void protocolAllFromEc2WithoutPortsEqualsUserForm() {
    Rule fromEc2 = Canonicalizer.fromEc2(Direction.EGRESS, "-1", null, null, Cidr4.ANY, null);
    assertThat(fromEc2).isEqualTo(Rule.DEFAULT_EGRESS);
  }

  @Test
  void additiveOwnershipLeavesOthersRulesAlone() {
    Rule theirs = ssh(OFFICE);
    Rule mineBefore = ssh(VPN);
    Rule mineNow = new Rule(Direction.INGRESS, Protocol.TCP, 443, 443, VPN, "");
    Plan plan =
        Planner.plan(
            List.of(mineNow),
            List.of(theirs, mineBefore),
            Ownership.additive(Set.of(mineBefore.key())));
    assertThat(plan.authorize()).containsExactly(mineNow);
    assertThat(plan.revoke()).containsExactly(mineBefore);
    assertThat(plan.unmanaged()).containsExactly(theirs);
  }

  @Test
  void refusesUnresolvedPeers() {
    assertThatThrownBy(
            () ->
                Planner.plan(
                    List.of(ssh(new NamedGroupPeer("bastion"))),
                    List.of(),
                    Ownership.AUTHORITATIVE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unresolved");
  }

  @Test
  void resolverNamesWhatIsMissing() {
    Resolver.Resolution r =
        Resolver.resolve(
            List.of(
                ssh(new NamedGroupPeer("bastion")),
                ssh(new NamedGroupPeer("jump")),
                ssh(SelfPeer.INSTANCE)),
            null,
            Map.of("jump", "sg-0000000a"));
    assertThat(r.complete()).isFalse();
    assertThat(r.missing()).containsExactly("bastion", "self");
    assertThat(r.rules()).containsExactly(ssh(new GroupPeer("sg-0000000a")));
  }

  @Test
  void permissionsGroupRulesByProtocolAndPorts() {
    List<Permission> perms = Permission.group(List.of(ssh(VPN), ssh(OFFICE), Rule.DEFAULT_EGRESS));
    assertThat(perms).hasSize(2);
    assertThat(perms.get(0).rules()).hasSize(2);
    assertThat(perms.get(0).fromPort()).isEqualTo(22);
  }
}
