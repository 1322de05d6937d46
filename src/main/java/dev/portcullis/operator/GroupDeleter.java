package dev.portcullis.operator;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.NetworkInterfaceInfo;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Rule;
import dev.portcullis.sync.OwnerTags;
import dev.portcullis.sync.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deletes a managed group, and when EC2 refuses because something still uses it, says what: the
 * network interfaces that carry it (of instances or of other services) and the groups whose rules
 * reference it.
 *
 * <p>Two groups that reference each other can only go once one of them no longer does. A group that
 * no interface carries decides no traffic, so when only references block its deletion, its own
 * rules that reference other groups are revoked first: that unblocks the other side of a cycle.
 */
final class GroupDeleter {
  private final CloudPort cloud;
  private final Retry retry;

  GroupDeleter(CloudPort cloud, Retry retry) {
    this.cloud = cloud;
    this.retry = retry;
  }

  /** Deletes the group; empty when it is gone, otherwise what blocks it, in words. */
  Optional<String> delete(String region, SecurityGroupInfo group) {
    if (deleted(region, group.groupId())) {
      return Optional.empty();
    }
    Carriers carriers = interfacesCarrying(region, group.groupId());
    List<String> interfaces = carriers.interfaces();
    List<String> referrers = new ArrayList<>();
    for (SecurityGroupInfo g :
        retry.call(
            () ->
                cloud.describeAllSecurityGroups(
                    region, new GroupFilter(null, null, group.vpcId(), null)))) {
      if (g.groupId().equals(group.groupId())) {
        continue;
      }
      boolean refers =
          g.rules().stream()
              .anyMatch(
                  r ->
                      r.rule().peer() instanceof GroupPeer p
                          && p.groupId().equals(group.groupId()));
      if (refers) {
        String owner = g.tags().get(OwnerTags.NAME);
        referrers.add(
            g.groupId()
                + (owner == null
                    ? ""
                    : " (SecurityGroup " + g.tags().get(OwnerTags.NAMESPACE) + "/" + owner + ")"));
      }
    }
    if (interfaces.isEmpty()) {
      revokeReferences(region, group);
      if (referrers.isEmpty() && deleted(region, group.groupId())) {
        return Optional.empty();
      }
    }
    StringBuilder why = new StringBuilder(group.groupId()).append(" cannot be deleted yet: ");
    if (!interfaces.isEmpty()) {
      why.append("network interfaces still carry it (")
          .append(String.join(", ", interfaces))
          .append(")");
    }
    if (!referrers.isEmpty()) {
      why.append(interfaces.isEmpty() ? "" : "; ")
          .append("rules of other groups reference it (")
          .append(String.join(", ", referrers))
          .append(")");
    }
    if (interfaces.isEmpty() && referrers.isEmpty()) {
      why.append("EC2 reports that it is still in use");
    }
    if (carriers.othersUnknown()) {
      why.append(
          "; interfaces of other services (load balancers, functions, endpoints) cannot be named, as"
              + " the operator's credentials do not allow ec2:DescribeNetworkInterfaces (see"
              + " docs/iam-policy.json)");
    }
    return Optional.of(why.append("; retrying until they let go").toString());
  }

  /** Deletes the group: whether it is gone, or false when EC2 refuses as something uses it. */
  private boolean deleted(String region, String groupId) {
    try {
      retry.run(() -> cloud.deleteSecurityGroup(region, groupId));
      return true;
    } catch (CloudException e) {
      if (e.kind() == CloudException.Kind.NOT_FOUND) {
        return true;
      }
      if (e.kind() != CloudException.Kind.CONFLICT) {
        throw e;
      }
      return false;
    }
  }

  /**
   * @param interfaces the interfaces that carry a group, in words
   * @param othersUnknown only instances' interfaces could be asked for
   */
  private record Carriers(List<String> interfaces, boolean othersUnknown) {}

  /**
   * The interfaces that carry the group, in words and sorted (the message stays the same from one
   * retry to the next): those of instances, and those other services made (load balancers,
   * functions, endpoints). Credentials from before DescribeNetworkInterfaces joined the IAM policy
   * are refused it; the instances' interfaces are then found from every instance of the region, and
   * the message says that others cannot be named.
   */
  private Carriers interfacesCarrying(String region, String groupId) {
    try {
      return new Carriers(
          retry.call(() -> cloud.describeAllNetworkInterfaces(region, groupId)).stream()
              .map(NetworkInterfaceInfo::display)
              .sorted()
              .toList(),
          false);
    } catch (CloudException e) {
      if (e.kind() != CloudException.Kind.UNAUTHORIZED) {
        throw e;
      }
    }
    List<String> out = new ArrayList<>();
    for (InstanceInfo i :
        retry.call(() -> cloud.describeAllInstances(region, new InstanceFilter(null, null)))) {
      for (InstanceInfo.InterfaceInfo n : i.interfaces()) {
        if (n.groupIds().contains(groupId)) {
          out.add(
              new NetworkInterfaceInfo(n.interfaceId(), i.instanceId(), null, null, n.groupIds())
                  .display());
        }
      }
    }
    out.sort(null);
    return new Carriers(out, true);
  }

  private void revokeReferences(String region, SecurityGroupInfo known) {
    // read it again: the rules that matter are those EC2 holds now
    List<SecurityGroupInfo> fresh =
        retry
            .call(
                () ->
                    cloud.describeSecurityGroups(
                        region, GroupFilter.ids(known.groupId()), null, null))
            .items();
    if (fresh.isEmpty()) {
      return;
    }
    SecurityGroupInfo group = fresh.get(0);
    for (Direction d : Direction.values()) {
      List<Rule> refs =
          group.rules().stream()
              .map(ObservedRule::rule)
              .filter(
                  r ->
                      r.direction() == d
                          && r.peer() instanceof GroupPeer p
                          && !p.groupId().equals(group.groupId()))
              .toList();
      if (!refs.isEmpty()) {
        try {
          retry.run(() -> cloud.revoke(region, group.groupId(), d, refs));
        } catch (CloudException e) {
          if (e.kind() != CloudException.Kind.NOT_FOUND) {
            throw e;
          }
        }
      }
    }
  }
}
