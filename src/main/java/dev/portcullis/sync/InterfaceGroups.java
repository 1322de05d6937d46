package dev.portcullis.sync;

import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.engine.Quotas;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The groups an instance's primary interface should carry once an attachment's groups go on: what
 * it carries now, less the groups the attachment put on before and no longer wants, less the VPC's
 * default group unless it is kept, plus the wanted groups. Or why EC2 would refuse that.
 */
public final class InterfaceGroups {
  private InterfaceGroups() {}

  /**
   * @param groups the interface's groups after the change (null when refused)
   * @param refusal why EC2 would refuse it, in words that name the instance (null when allowed)
   */
  public record Change(
      InstanceInfo instance, InstanceInfo.InterfaceInfo nic, List<String> groups, String refusal) {
    /** Whether EC2 must be called: the groups differ from what the interface carries. */
    public boolean changes() {
      return groups != null && !groups.equals(nic.groupIds());
    }
  }

  /**
   * @param wanted the group ids to attach, in order
   * @param vpcOf the VPC of each wanted group that is known (others are left for EC2 to check)
   * @param previouslyAttached groups the attachment put on before; those not wanted come off
   * @param removeDefault the VPC's default group ids to take off (empty to keep them)
   */
  public static Change plan(
      InstanceInfo instance,
      List<String> wanted,
      Map<String, String> vpcOf,
      Set<String> previouslyAttached,
      Collection<String> removeDefault,
      Quotas quotas) {
    InstanceInfo.InterfaceInfo primary = instance.interfaces().get(0);
    List<String> foreign =
        wanted.stream()
            .filter(g -> vpcOf.containsKey(g) && !instance.vpcId().equals(vpcOf.get(g)))
            .toList();
    if (!foreign.isEmpty()) {
      return new Change(
          instance,
          primary,
          null,
          instance.instanceId()
              + " is in "
              + instance.vpcId()
              + " but "
              + String.join(", ", foreign)
              + (foreign.size() == 1 ? " belongs" : " belong")
              + " to "
              + vpcOf.get(foreign.get(0))
              + ": a security group can only be attached to interfaces of its own VPC");
    }
    LinkedHashSet<String> groups = new LinkedHashSet<>(primary.groupIds());
    previouslyAttached.stream().filter(g -> !wanted.contains(g)).forEach(groups::remove);
    groups.removeAll(removeDefault);
    groups.addAll(wanted);
    if (groups.size() > quotas.groupsPerInterface()) {
      return new Change(
          instance,
          primary,
          null,
          instance.instanceId()
              + " ("
              + primary.interfaceId()
              + ") would carry "
              + groups.size()
              + " groups with the ones already on it, more than the quota of "
              + quotas.groupsPerInterface()
              + " per network interface");
    }
    return new Change(instance, primary, List.copyOf(groups), null);
  }
}
