package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The EC2 quotas the engine enforces before anything reaches EC2. Defaults are EC2's defaults;
 * accounts can raise them, so they are configuration.
 *
 * @param rulesPerDirection inbound (or outbound) rules per group, counted separately for IPv4 and
 *     IPv6 (default 60)
 * @param groupsPerInterface security groups per network interface (default 5, at most 16)
 */
public record Quotas(int rulesPerDirection, int groupsPerInterface) {
  /** EC2's fixed ceiling on groups per interface. */
  public static final int MAX_GROUPS_PER_INTERFACE = 16;

  /** EC2's fixed ceiling on rules per group multiplied by groups per interface. */
  public static final int MAX_RULES_TIMES_GROUPS = 1000;

  public static final Quotas DEFAULT = new Quotas(60, 5);

  /** Problems with the quota values themselves, as EC2 would refuse such a quota increase. */
  public List<Problem> validate() {
    List<Problem> out = new ArrayList<>();
    if (rulesPerDirection < 1) {
      out.add(Problem.error("quotas.rulesPerDirection", "must be at least 1"));
    }
    if (groupsPerInterface < 1 || groupsPerInterface > MAX_GROUPS_PER_INTERFACE) {
      out.add(
          Problem.error(
              "quotas.groupsPerInterface",
              groupsPerInterface + " is outside 1.." + MAX_GROUPS_PER_INTERFACE));
    }
    if ((long) rulesPerDirection * groupsPerInterface > MAX_RULES_TIMES_GROUPS) {
      out.add(
          Problem.error(
              "quotas",
              "rules per group ("
                  + rulesPerDirection
                  + ") times groups per interface ("
                  + groupsPerInterface
                  + ") is "
                  + (long) rulesPerDirection * groupsPerInterface
                  + ", above EC2's limit of "
                  + MAX_RULES_TIMES_GROUPS));
    }
    return out;
  }
}
