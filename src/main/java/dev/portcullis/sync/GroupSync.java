package dev.portcullis.sync;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Ownership;
import dev.portcullis.engine.Plan;
import dev.portcullis.engine.Planner;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Brings a group's rules to the desired set. */
public final class GroupSync {
  private final CloudPort cloud;
  private final Retry retry;
  private final Quotas quotas;

  /**
   * @param quotas the account's quotas, so that a plan with no room for old and new rules side by
   *     side revokes first instead of failing
   */
  public GroupSync(CloudPort cloud, Retry retry, Quotas quotas) {
    this.cloud = cloud;
    this.retry = retry;
    this.quotas = quotas;
  }

  /**
   * The plan that was computed, whether its steps were carried out, and the rules EC2 holds after
   * them (before them, when they were not carried out).
   */
  public record Outcome(Plan plan, boolean applied, List<Rule> held) {
    public Outcome {
      held = List.copyOf(held);
    }

    /** Whether EC2 differed from the desired rules before this sync (drift or a spec change). */
    public boolean differed() {
      return !plan.isEmpty();
    }
  }

  /**
   * Plans the group's rules against what EC2 holds, and applies the plan when {@code correct}. A
   * failing step leaves the earlier steps in place; the next sync plans from what EC2 then holds.
   * Just after a group is created EC2 may still answer InvalidGroup.NotFound for it (eventual
   * consistency); callers retry through {@link Retry#callAllowingNotFound}.
   *
   * <p>When EC2 answers that a rule to add is there already, or a rule to remove is not, what it
   * holds is not what the plan was made from: most often a request of this plan was carried out but
   * its answer lost (a reset connection, a timeout), and its retry met its own effect; or the group
   * changed outside the operator since it was read. The group is then read again and the rest
   * planned from what it holds, once.
   */
  public Outcome syncRules(
      String region,
      SecurityGroupInfo group,
      List<Rule> desired,
      Ownership ownership,
      boolean correct,
      Map<String, RuleCounts.PrefixListSize> prefixLists) {
    List<Rule> observed = group.rules().stream().map(ObservedRule::rule).toList();
    Plan plan = Planner.plan(desired, observed, ownership, quotas, prefixLists);
    if (!correct || plan.isEmpty()) {
      return new Outcome(plan, false, observed);
    }
    try {
      applyAll(region, group, plan);
      return new Outcome(plan, true, plan.applyTo(observed));
    } catch (CloudException e) {
      if (!RULE_EXISTS.equals(e.code()) && !RULE_MISSING.equals(e.code())) {
        throw e;
      }
      List<SecurityGroupInfo> fresh =
          retry
              .call(
                  () ->
                      cloud.describeSecurityGroups(
                          region, GroupFilter.ids(group.groupId()), null, null))
              .items();
      if (fresh.isEmpty()) {
        throw e;
      }
      List<Rule> held = fresh.get(0).rules().stream().map(ObservedRule::rule).toList();
      Plan rest = Planner.plan(desired, held, ownership, quotas, prefixLists);
      applyAll(region, group, rest);
      return new Outcome(plan, true, rest.applyTo(held));
    }
  }

  /** EC2's answer to an authorize of a rule the group has already. */
  static final String RULE_EXISTS = "InvalidPermission.Duplicate";

  /** EC2's answer to a revoke (or a description update) of a rule the group does not have. */
  static final String RULE_MISSING = "InvalidPermission.NotFound";

  private void applyAll(String region, SecurityGroupInfo group, Plan plan) {
    for (Plan.Step step : plan.steps()) {
      try {
        apply(region, group, step);
      } catch (CloudException e) {
        if (e.retryable()) {
          throw e;
        }
        // EC2's words name its own spelling of one rule, or none: say which rules were sent
        throw e.doing(
            step.action().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + " "
                + step.rules().stream().map(Rule::display).collect(Collectors.joining(", ")));
      }
    }
  }

  private void apply(String region, SecurityGroupInfo group, Plan.Step step) {
    switch (step.action()) {
      case AUTHORIZE ->
          retry.callAllowingNotFound(
              () -> cloud.authorize(region, group.groupId(), step.direction(), step.rules()));
      case UPDATE_DESCRIPTION ->
          retry.callAllowingNotFound(
              () -> {
                cloud.updateRuleDescriptions(
                    region, group.groupId(), step.direction(), step.rules());
                return null;
              });
      case REVOKE ->
          retry.callAllowingNotFound(
              () -> {
                cloud.revoke(region, group.groupId(), step.direction(), step.rules());
                return null;
              });
    }
  }
}
