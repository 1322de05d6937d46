package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes that take a group from its observed rules to the desired ones, per direction.
 *
 * <p>Apply in {@link #steps()} order: authorize first, then description updates, then revoke. A
 * change such as moving SSH from one CIDR to another then never passes through a moment in which
 * neither rule exists, so wanted traffic is never blocked by the update itself. The one exception
 * is a direction whose rules-per-group quota has no room for the new rules next to the old ones
 * ({@link #revokeFirst()}): there EC2 would refuse the authorize, so the unwanted rules go first.
 *
 * @param authorize rules to add (sorted)
 * @param updateDescription rules present with another description (sorted)
 * @param revoke rules to remove (sorted)
 * @param unmanaged observed rules that are not desired but were left alone (additive ownership)
 * @param revokeFirst directions whose quota forces revoking before authorizing
 */
public record Plan(
    List<Rule> authorize,
    List<Rule> updateDescription,
    List<Rule> revoke,
    List<Rule> unmanaged,
    Set<Direction> revokeFirst) {

  public Plan {
    authorize = List.copyOf(authorize);
    updateDescription = List.copyOf(updateDescription);
    revoke = List.copyOf(revoke);
    unmanaged = List.copyOf(unmanaged);
    revokeFirst = revokeFirst.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(revokeFirst));
  }

  public Plan(
      List<Rule> authorize, List<Rule> updateDescription, List<Rule> revoke, List<Rule> unmanaged) {
    this(authorize, updateDescription, revoke, unmanaged, Set.of());
  }

  /** One call's worth of work: an action on the rules of one direction. */
  public record Step(Action action, Direction direction, List<Rule> rules) {
    public Step {
      rules = List.copyOf(rules);
    }
  }

  public enum Action {
    AUTHORIZE,
    UPDATE_DESCRIPTION,
    REVOKE
  }

  public boolean isEmpty() {
    return authorize.isEmpty() && updateDescription.isEmpty() && revoke.isEmpty();
  }

  public List<Rule> authorize(Direction d) {
    return authorize.stream().filter(r -> r.direction() == d).toList();
  }

  public List<Rule> revoke(Direction d) {
    return revoke.stream().filter(r -> r.direction() == d).toList();
  }

  public List<Rule> updateDescription(Direction d) {
    return updateDescription.stream().filter(r -> r.direction() == d).toList();
  }

  /**
   * The non-empty steps in a safe order: every authorize, then description updates, then revoke;
   * for a direction in {@link #revokeFirst()}, its revoke comes before its authorize.
   */
  public List<Step> steps() {
    List<Step> out = new ArrayList<>();
    for (Direction d : Direction.values()) {
      if (revokeFirst.contains(d)) {
        add(out, Action.REVOKE, d, revoke(d));
      }
    }
    for (Direction d : Direction.values()) {
      add(out, Action.AUTHORIZE, d, authorize(d));
    }
    for (Direction d : Direction.values()) {
      add(out, Action.UPDATE_DESCRIPTION, d, updateDescription(d));
    }
    for (Direction d : Direction.values()) {
      if (!revokeFirst.contains(d)) {
        add(out, Action.REVOKE, d, revoke(d));
      }
    }
    return out;
  }

  private static void add(List<Step> out, Action a, Direction d, List<Rule> rules) {
    if (!rules.isEmpty()) {
      out.add(new Step(a, d, rules));
    }
  }

  /** Applies the plan to a set of rules, as EC2 would: the result of a successful apply. */
  public List<Rule> applyTo(List<Rule> observed) {
    Map<RuleKey, Rule> byKey = new HashMap<>();
    for (Rule r : observed) {
      byKey.put(r.key(), r);
    }
    for (Rule r : authorize) {
      byKey.put(r.key(), r);
    }
    for (Rule r : updateDescription) {
      byKey.put(r.key(), r);
    }
    for (Rule r : revoke) {
      byKey.remove(r.key());
    }
    return Canonicalizer.normalize(byKey.values());
  }
}
