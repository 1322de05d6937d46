package dev.portcullis.sync;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
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

  /** The plan that was computed, and whether its steps were carried out. */
  public record Outcome(Plan plan, boolean applied) {
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
      return new Outcome(plan, false);
    }
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
    return new Outcome(plan, true);
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
