package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.simulator.Ec2Api;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Instances and network interfaces: DescribeInstances, DescribeNetworkInterfaces, and the groups of
 * an instance or an interface (ModifyInstanceAttribute, ModifyNetworkInterfaceAttribute).
 */
final class InstanceActions {
  private final Ec2Api api;

  private InstanceActions(Ec2Api api) {
    this.api = api;
  }

  static void register(Actions actions, Ec2Api api) {
    InstanceActions a = new InstanceActions(api);
    actions
        .add(
            "DescribeInstances",
            Set.of("InstanceId", "Filter", "MaxResults", "NextToken", "IncludeManagedResources"),
            a::describeInstances)
        .add(
            "DescribeNetworkInterfaces",
            Set.of("NetworkInterfaceId", "Filter", "MaxResults", "NextToken"),
            a::describeInterfaces)
        .add(
            "ModifyInstanceAttribute",
            Set.of(
                "InstanceId",
                "GroupId",
                "Attribute",
                "Value",
                "SourceDestCheck",
                "DisableApiTermination",
                "DisableApiStop",
                "InstanceType",
                "Kernel",
                "Ramdisk",
                "UserData",
                "InstanceInitiatedShutdownBehavior",
                "EbsOptimized",
                "SriovNetSupport",
                "EnaSupport",
                "EnclaveOptions",
                "BlockDeviceMapping"),
            a::modifyInstance)
        .add(
            "ModifyNetworkInterfaceAttribute",
            Set.of(
                "NetworkInterfaceId",
                "SecurityGroupId",
                "Description",
                "SourceDestCheck",
                "Attachment",
                "EnaSrdSpecification",
                "EnablePrimaryIpv6",
                "ConnectionTrackingSpecification",
                "AssociatePublicIpAddress",
                "AssociatedSubnetId"),
            a::modifyInterface);
  }

  private void describeInstances(String region, QueryRequest req, Xml out) {
    Page<Ec2Api.InstanceEntry> page =
        api.describeInstances(region, req.describeQuery("InstanceId"));
    out.start("reservationSet");
    for (Ec2Api.InstanceEntry entry : page.items()) {
      InstanceInfo i = entry.instance();
      Map<String, String> names = entry.groupNames();
      InstanceInfo.InterfaceInfo primary = i.interfaces().isEmpty() ? null : i.interfaces().get(0);
      out.start("item")
          .leaf("reservationId", "r-" + i.instanceId().substring(2))
          .leaf("ownerId", Ec2Api.ACCOUNT_ID)
          .start("groupSet")
          .end()
          .start("instancesSet")
          .start("item")
          .leaf("instanceId", i.instanceId())
          .start("instanceState")
          .leaf("code", 16)
          .leaf("name", "running")
          .end()
          .leaf("vpcId", i.vpcId());
      if (primary != null) {
        out.leaf("privateIpAddress", primary.privateIp()).leaf("ipAddress", primary.publicIp());
        groupSet(out, primary.groupIds(), names);
      }
      WireRules.writeTags(out, i.tags());
      out.start("networkInterfaceSet");
      for (InstanceInfo.InterfaceInfo n : i.interfaces()) {
        out.start("item")
            .leaf("networkInterfaceId", n.interfaceId())
            .leaf("vpcId", i.vpcId())
            .leaf("ownerId", Ec2Api.ACCOUNT_ID)
            .leaf("status", "in-use")
            .leaf("privateIpAddress", n.privateIp())
            .leaf("sourceDestCheck", true)
            .leaf("interfaceType", "interface");
        groupSet(out, n.groupIds(), names);
        out.start("attachment")
            .leaf("attachmentId", "eni-attach-" + n.interfaceId().substring(4))
            .leaf("deviceIndex", n.deviceIndex())
            .leaf("status", "attached")
            .leaf("deleteOnTermination", n.deviceIndex() == 0)
            .end();
        addresses(out, n.publicIp(), n.ipv6());
        out.end();
      }
      out.end().end().end().end();
    }
    out.end().leaf("nextToken", page.nextToken());
  }

  private void describeInterfaces(String region, QueryRequest req, Xml out) {
    Page<Ec2Api.InterfaceEntry> page =
        api.describeNetworkInterfaces(region, req.describeQuery("NetworkInterfaceId"));
    out.start("networkInterfaceSet");
    for (Ec2Api.InterfaceEntry n : page.items()) {
      out.start("item")
          .leaf("networkInterfaceId", n.interfaceId())
          .leaf("vpcId", n.vpcId())
          .leaf("ownerId", Ec2Api.ACCOUNT_ID)
          .leaf("requesterManaged", false)
          .leaf("status", "in-use")
          .leaf("privateIpAddress", n.privateIp())
          .leaf("sourceDestCheck", true)
          .leaf("interfaceType", "interface")
          .leaf("description", "");
      groupSet(out, n.groupIds(), n.groupNames());
      out.start("attachment")
          .leaf("attachmentId", "eni-attach-" + n.interfaceId().substring(4))
          .leaf("instanceId", n.instanceId())
          .leaf("instanceOwnerId", Ec2Api.ACCOUNT_ID)
          .leaf("deviceIndex", n.deviceIndex())
          .leaf("status", "attached")
          .end();
      addresses(out, n.publicIp(), n.ipv6());
      out.start("tagSet").end().end();
    }
    out.end().leaf("nextToken", page.nextToken());
  }

  /** An interface's public address ({@code association}) and IPv6 address, either may be null. */
  private static void addresses(Xml out, String publicIp, String ipv6) {
    if (publicIp != null) {
      out.start("association").leaf("publicIp", publicIp).leaf("ipOwnerId", "amazon").end();
    }
    out.start("ipv6AddressesSet");
    if (ipv6 != null) {
      out.start("item").leaf("ipv6Address", ipv6).end();
    }
    out.end();
  }

  private static void groupSet(Xml out, List<String> groupIds, Map<String, String> names) {
    out.start("groupSet");
    groupIds.forEach(
        id -> out.start("item").leaf("groupId", id).leaf("groupName", names.get(id)).end());
    out.end();
  }

  private void modifyInstance(String region, QueryRequest req, Xml out) {
    String instanceId = req.required("InstanceId");
    List<String> groups = req.list("GroupId");
    if (namesOtherThan(req, "InstanceId", "GroupId") || groups.isEmpty()) {
      throw RuleActions.unsupported(
          "instance attributes other than its security groups (GroupId.N)");
    }
    api.simulator().setInstanceGroups(region, instanceId, groups);
    out.leaf("return", true);
  }

  /** Whether the request names a parameter other than the envelope's and {@code allowed}. */
  private static boolean namesOtherThan(QueryRequest req, String... allowed) {
    Set<String> ok = Set.of(allowed);
    return req.names().stream()
        .map(n -> n.contains(".") ? n.substring(0, n.indexOf('.')) : n)
        .anyMatch(n -> !Actions.ENVELOPE.contains(n) && !ok.contains(n));
  }

  private void modifyInterface(String region, QueryRequest req, Xml out) {
    String interfaceId = req.required("NetworkInterfaceId");
    List<String> groups = req.list("SecurityGroupId");
    if (namesOtherThan(req, "NetworkInterfaceId", "SecurityGroupId") || groups.isEmpty()) {
      throw RuleActions.unsupported(
          "interface attributes other than its security groups (SecurityGroupId.N)");
    }
    api.simulator().setInterfaceGroups(region, interfaceId, groups);
    out.leaf("return", true);
  }
}
