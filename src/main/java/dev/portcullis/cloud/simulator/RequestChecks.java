package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The checks EC2's calls share: what a request names must exist in the region (and a group be
 * visible yet), its rules and tags must be ones EC2 takes. Each throws EC2's error ({@link
 * Ec2Errors}) and writes nothing, so an operation runs them all before it changes anything. A rule
 * that is not canonical and resolved is the caller's bug, not EC2's error.
 */
final class RequestChecks {
  private RequestChecks() {}

  /** Rules must be canonical and resolved before they reach EC2: anything else is a bug. */
  static void checkCanonical(Direction direction, List<Rule> rules) {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(rules, "rules");
    for (Rule r : rules) {
      Objects.requireNonNull(r, "rule");
      if (r.direction() != direction) {
        throw new IllegalArgumentException(
            "rule \""
                + r.display()
                + "\" is "
                + r.direction().word()
                + ", not "
                + direction.word());
      }
      if (!r.peer().isResolved()) {
        throw new IllegalArgumentException(
            "rule \""
                + r.display()
                + "\" has an unresolved peer; resolve named groups and self to group ids first");
      }
    }
  }

  /**
   * A rule EC2 takes for {@code target}: valid ports and description, and a peer that exists (a
   * group visible at {@code nowNanos}, of the target's VPC; a prefix list of the region).
   */
  static void checkRule(RegionState r, RegionState.Group target, Rule rule, long nowNanos) {
    invalidIf(Ec2Constraints.portsProblem(rule));
    invalidIf(Ec2Constraints.ruleDescriptionProblem(rule.description()));
    Peer p = rule.peer();
    if (p instanceof GroupPeer gp) {
      String id = gp.groupId();
      if (!Ec2Constraints.isGroupId(id)) {
        throw Ec2Errors.groupIdMalformed(id);
      }
      RegionState.Group referenced = r.groups.get(id);
      if (referenced == null || !referenced.visibleAt(nowNanos)) {
        throw Ec2Errors.groupNotFound(id);
      }
      if (!referenced.vpcId.equals(target.vpcId)) {
        throw Ec2Errors.groupNotInVpc(id, target.vpcId);
      }
    } else if (p instanceof PrefixListPeer pl) {
      if (!r.prefixLists.containsKey(pl.prefixListId())) {
        throw Ec2Errors.prefixListNotFound(pl.prefixListId());
      }
    }
  }

  /** The group a request names, which must exist and be visible at {@code nowNanos}. */
  static RegionState.Group requireGroup(RegionState r, String id, long nowNanos) {
    if (id == null || id.isEmpty()) {
      throw Ec2Errors.missingParameter("GroupId");
    }
    if (!Ec2Constraints.isGroupId(id)) {
      throw Ec2Errors.groupIdMalformed(id);
    }
    RegionState.Group g = r.groups.get(id);
    if (g == null || !g.visibleAt(nowNanos)) {
      throw Ec2Errors.groupNotFound(id);
    }
    return g;
  }

  /**
   * The groups a describe names by id, which must all exist and be visible at {@code nowNanos}: a
   * malformed id is refused first, then every missing one is named at once.
   */
  static void requireGroups(RegionState r, Collection<String> ids, long nowNanos) {
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      if (id == null || !Ec2Constraints.isGroupId(id)) {
        throw Ec2Errors.groupIdMalformed(String.valueOf(id));
      }
      RegionState.Group g = r.groups.get(id);
      if (g == null || !g.visibleAt(nowNanos)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      throw Ec2Errors.groupNotFound(missing);
    }
  }

  /** The instance a request names, which must exist. */
  static RegionState.Instance requireInstance(RegionState r, String id) {
    if (!Ec2Constraints.INSTANCE_ID.matcher(id).matches()) {
      throw Ec2Errors.instanceIdMalformed(id);
    }
    RegionState.Instance i = r.instances.get(id);
    if (i == null) {
      throw Ec2Errors.instanceNotFound(List.of(id));
    }
    return i;
  }

  /** The instances a describe names by id, as {@link #requireGroups}. */
  static void requireInstances(RegionState r, Collection<String> ids) {
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      if (id == null || !Ec2Constraints.INSTANCE_ID.matcher(id).matches()) {
        throw Ec2Errors.instanceIdMalformed(String.valueOf(id));
      }
      if (!r.instances.containsKey(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      throw Ec2Errors.instanceNotFound(missing);
    }
  }

  /**
   * The resources a describe names by id, one at a time: the first id not of the {@code format} is
   * refused as {@code malformed}, the first that does not {@code exist} as {@code notFound}.
   */
  static void requireEach(
      Collection<String> ids,
      Pattern format,
      Function<String, CloudException> malformed,
      Predicate<String> exists,
      Function<String, CloudException> notFound) {
    for (String id : ids) {
      if (id == null || !format.matcher(id).matches()) {
        throw malformed.apply(String.valueOf(id));
      }
      if (!exists.test(id)) {
        throw notFound.apply(id);
      }
    }
  }

  /** The rules a rule call names: at least one. */
  static void requireRules(List<Rule> rules) {
    if (rules.isEmpty()) {
      throw Ec2Errors.missingParameter("IpPermissions");
    }
  }

  /** The VPC a request names, which must exist. */
  static RegionState.Vpc requireVpc(RegionState r, String vpcId) {
    if (vpcId == null || vpcId.isEmpty()) {
      throw Ec2Errors.missingParameter("VpcId");
    }
    if (!Ec2Constraints.VPC_ID.matcher(vpcId).matches()) {
      throw Ec2Errors.vpcIdMalformed(vpcId);
    }
    RegionState.Vpc vpc = r.vpcs.get(vpcId);
    if (vpc == null) {
      throw Ec2Errors.vpcNotFound(vpcId);
    }
    return vpc;
  }

  /**
   * A resource's tags with {@code adding} written over them, each checked, and no more than EC2's
   * limit in all.
   */
  static Map<String, String> mergedTags(
      String resource, Map<String, String> existing, Map<String, String> adding) {
    Map<String, String> merged = new LinkedHashMap<>(existing);
    if (adding != null) {
      for (Map.Entry<String, String> e : adding.entrySet()) {
        invalidIf(Ec2Constraints.tagProblem(e.getKey(), e.getValue()));
        merged.put(e.getKey(), e.getValue());
      }
    }
    if (merged.size() > Ec2Constraints.MAX_TAGS) {
      throw Ec2Errors.tagLimit(resource, merged.size(), Ec2Constraints.MAX_TAGS);
    }
    return merged;
  }

  /** Refuses the request with InvalidParameterValue when there is a problem (not null). */
  static void invalidIf(String problem) {
    if (problem != null) {
      throw Ec2Errors.invalidParameterValue(problem);
    }
  }
}
