package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.EgressRule;
import dev.portcullis.api.v1alpha1.RuleOwnership;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ownership;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedRulesTest {
  final Rule mine = new Rule(Direction.INGRESS, Protocol.TCP, 443, 443, Cidr4.ANY, "mine");
  final Rule theirs = new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, Cidr4.ANY, "theirs");
  final List<ObservedRule> observed =
      List.of(
          new ObservedRule("sgr-1", mine),
          new ObservedRule("sgr-2", theirs),
          new ObservedRule("sgr-3", Rule.DEFAULT_EGRESS));

  static SecurityGroupSpec spec(RuleOwnership ownership, boolean ownEgress) {
    SecurityGroupSpec s = new SecurityGroupSpec();
    s.setRuleOwnership(ownership);
    if (ownEgress) {
      s.setEgress(List.<EgressRule>of());
    }
    return s;
  }

  @Test
  void theRecordIgnoresDescriptionsSoARenamedRuleIsStillOwned() {
    Rule renamed = new Rule(Direction.INGRESS, Protocol.TCP, 443, 443, Cidr4.ANY, "renamed");
    assertThat(ManagedRules.text(renamed)).isEqualTo(ManagedRules.text(mine));
    assertThat(ManagedRules.texts(List.of(theirs, mine)))
        .containsExactly(ManagedRules.text(theirs), ManagedRules.text(mine))
        .isSorted();
  }

  @Test
  void authoritativeUnlessAdditive() {
    assertThat(ManagedRules.of(spec(null, false), List.of(), observed, false))
        .isEqualTo(Ownership.AUTHORITATIVE);
    assertThat(ManagedRules.of(spec(RuleOwnership.AUTHORITATIVE, true), List.of(), observed, true))
        .isEqualTo(Ownership.AUTHORITATIVE);
  }

  @Test
  void additiveOwnsOnlyWhatItRecordedAndEc2StillHolds() {
    Ownership o =
        ManagedRules.of(
            spec(RuleOwnership.ADDITIVE, false),
            List.of(ManagedRules.text(mine), "ingress tcp port 80 from 10.0.0.0/8"),
            observed,
            false);
    assertThat(o.authoritative()).isFalse();
    assertThat(o.previouslyApplied()).containsExactly(mine.key());
    assertThat(o.mayRevoke(theirs.key())).isFalse();
  }

  @Test
  void theDefaultEgressOfAGroupCreatedHereIsItsOwnWhenTheSpecListsEgress() {
    assertThat(
            ManagedRules.of(spec(RuleOwnership.ADDITIVE, true), List.of(), observed, true)
                .previouslyApplied())
        .containsExactly(Rule.DEFAULT_EGRESS.key());
    assertThat(
            ManagedRules.of(spec(RuleOwnership.ADDITIVE, false), List.of(), observed, true)
                .previouslyApplied())
        .as("a spec without egress keeps the default rule as desired")
        .isEmpty();
    assertThat(
            ManagedRules.of(spec(RuleOwnership.ADDITIVE, true), List.of(), observed, false)
                .previouslyApplied())
        .as("a group found, not created: the rule may be somebody else's")
        .isEmpty();
  }
}
