package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Diffs desired and observed rules into the minimal {@link Plan}. Both sides are canonicalised
 * first, so equivalent spellings (EC2's protocol {@code "6"} for {@code tcp}, several ranges under
 * one permission, a self-reference as the group's own id) never produce a change. Order never
 * matters: the plan is a set difference on rule keys.
 */
public final class Planner {
  private Planner() {}

  /**
   * @param desired resolved canonical rules (no {@code self} or named references left)
   * @param observed the rules EC2 holds
   * @param ownership which observed rules may be revoked
   */
  public static Plan plan(
      Collection<Rule> desired, Collection<Rule> observed, Ownership ownership) {
    return plan(desired, observed, ownership, null, Map.of());
  }

  /**
   * As {@link #plan(Collection, Collection, Ownership)}, and marks the directions where the old and
   * the new rules together would exceed the rules-per-group quota, so that their revokes run first
   * (see {@link Plan#revokeFirst()}).
   *
   * @param quotas the account's quotas, or null to ignore them
   * @param prefixLists sizes of referenced prefix lists, for counting
   */
  public static Plan plan(
      Collection<Rule> desired,
      Collection<Rule> observed,
      Ownership ownership,
      Quotas quotas,
      Map<String, RuleCounts.PrefixListSize> prefixLists) {
    Map<RuleKey, Rule> want = index(desired);
    Map<RuleKey, Rule> have = index(observed);
    List<Rule> authorize = new ArrayList<>();
    List<Rule> update = new ArrayList<>();
    List<Rule> revoke = new ArrayList<>();
    List<Rule> unmanaged = new ArrayList<>();
    for (Rule w : want.values()) {
      if (!w.peer().isResolved()) {
        throw new IllegalArgumentException("unresolved peer in desired rule: " + w.display());
      }
      Rule h = have.get(w.key());
      if (h == null) {
        authorize.add(w);
      } else if (!h.description().equals(w.description())) {
        update.add(w);
      }
    }
    for (Rule h : have.values()) {
      if (!want.containsKey(h.key())) {
        (ownership.mayRevoke(h.key()) ? revoke : unmanaged).add(h);
      }
    }
    authorize.sort(null);
    update.sort(null);
    revoke.sort(null);
    unmanaged.sort(null);
    Set<Direction> revokeFirst = EnumSet.noneOf(Direction.class);
    if (quotas != null) {
      List<Rule> both = new ArrayList<>(have.values());
      both.addAll(authorize);
      for (Direction d : Direction.values()) {
        if (RuleCounts.count(both, d, prefixLists).exceeds(quotas.rulesPerDirection())) {
          revokeFirst.add(d);
        }
      }
    }
    return new Plan(authorize, update, revoke, unmanaged, revokeFirst);
  }

  private static Map<RuleKey, Rule> index(Collection<Rule> rules) {
    Map<RuleKey, Rule> out = new HashMap<>();
    for (Rule r : Canonicalizer.normalize(rules)) {
      out.put(r.key(), r);
    }
    return out;
  }
}
