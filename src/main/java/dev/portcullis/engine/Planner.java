package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    return new Plan(authorize, update, revoke, unmanaged);
  }

  private static Map<RuleKey, Rule> index(Collection<Rule> rules) {
    Map<RuleKey, Rule> out = new HashMap<>();
    for (Rule r : Canonicalizer.normalize(rules)) {
      out.put(r.key(), r);
    }
    return out;
  }
}
