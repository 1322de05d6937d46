package dev.portcullis.cloud;

import java.util.List;
import java.util.Map;

/** An instance as described by EC2: its VPC, tags and network interfaces with their groups. */
public record InstanceInfo(
    String instanceId, String vpcId, Map<String, String> tags, List<InterfaceInfo> interfaces) {
  public InstanceInfo {
    tags = Map.copyOf(tags);
    interfaces = List.copyOf(interfaces);
  }

  /** A network interface; device index 0 is the primary one. */
  public record InterfaceInfo(
      String interfaceId,
      int deviceIndex,
      String privateIp,
      String publicIp,
      String ipv6,
      List<String> groupIds) {
    public InterfaceInfo {
      groupIds = List.copyOf(groupIds);
    }
  }
}
