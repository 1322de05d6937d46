package dev.portcullis.sync;

import dev.portcullis.api.v1alpha1.RuleOwnership;
import dev.portcullis.api.v1alpha1.RuleSpecs;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.engine.Ownership;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleKey;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which rules of an EC2 group a SecurityGroup owns, so that under {@code ruleOwnership: Additive} a
 * plan revokes only rules it applied itself and never one that somebody else added. Shared by the
 * operator (which remembers what it applied in {@code status.managedRules}) and the offline command
 * (which applies everything in one run, and so remembers nothing).
 */
public final class ManagedRules {
  private ManagedRules() {}

  /**
   * How a rule is recorded as applied: its canonical text without the description, which may change
   * without the rule becoming another.
   */
  public static String text(Rule r) {
    return r.key().withDescription("").display();
  }

  /** The record of the rules applied, sorted. */
  public static List<String> texts(Collection<Rule> rules) {
    return rules.stream().map(ManagedRules::text).sorted().toList();
  }

  /**
   * The ownership a plan honours: authoritative, or under Additive ownership the rules EC2 holds
   * that were recorded as applied, and EC2's default egress rule on a group created here when the
   * spec lists its own egress (that rule is then this resource's, not somebody else's).
   *
   * @param applied the texts of the rules recorded as applied before
   * @param created whether the group was created in this reconciliation
   */
  public static Ownership of(
      SecurityGroupSpec spec,
      Collection<String> applied,
      List<ObservedRule> observed,
      boolean created) {
    if (spec.getRuleOwnership() != RuleOwnership.ADDITIVE) {
      return Ownership.AUTHORITATIVE;
    }
    Set<String> recorded = new HashSet<>(applied);
    Set<RuleKey> owned = new HashSet<>();
    for (ObservedRule r : observed) {
      if (recorded.contains(text(r.rule()))) {
        owned.add(r.rule().key());
      }
    }
    if (created && !RuleSpecs.keepsDefaultEgress(spec)) {
      owned.add(Rule.DEFAULT_EGRESS.key());
    }
    return Ownership.additive(owned);
  }
}
