package dev.portcullis.engine;

import java.util.Set;

/**
 * Which observed rules a plan may revoke. Authoritative ownership revokes every rule that is not
 * desired; additive ownership revokes only rules this owner applied earlier and no longer wants,
 * leaving alone rules that others added.
 */
public record Ownership(boolean authoritative, Set<RuleKey> previouslyApplied) {
  public static final Ownership AUTHORITATIVE = new Ownership(true, Set.of());

  public Ownership {
    previouslyApplied = Set.copyOf(previouslyApplied);
  }

  public static Ownership additive(Set<RuleKey> previouslyApplied) {
    return new Ownership(false, previouslyApplied);
  }

  public boolean mayRevoke(RuleKey key) {
    return authoritative || previouslyApplied.contains(key);
  }
}
