package dev.portcullis.cloud;

import java.util.List;

/**
 * A network interface as DescribeNetworkInterfaces gives it. Besides those of instances, EC2 holds
 * interfaces that other services make in a VPC (load balancers, functions, endpoints, databases); a
 * group on any of them cannot be deleted.
 *
 * @param instanceId the instance it is attached to, or null
 * @param interfaceType EC2's type of the interface: {@code interface} for an ordinary one, {@code
 *     network_load_balancer}, {@code lambda}, {@code vpc_endpoint}, ...
 * @param description its description, empty when it has none
 */
public record NetworkInterfaceInfo(
    String interfaceId,
    String instanceId,
    String interfaceType,
    String description,
    List<String> groupIds) {
  public NetworkInterfaceInfo {
    interfaceType = interfaceType == null ? "interface" : interfaceType;
    description = description == null ? "" : description;
    groupIds = List.copyOf(groupIds);
  }

  /**
   * How a user recognises it: {@code eni-1 of instance i-1}, or for an interface that is not an
   * instance's, its type and description: {@code eni-2 (type network_load_balancer, "ELB
   * net/web/123")}.
   */
  public String display() {
    if (instanceId != null) {
      return interfaceId + " of instance " + instanceId;
    }
    return interfaceId
        + " (type "
        + interfaceType
        + (description.isEmpty() ? "" : ", \"" + description + "\"")
        + ")";
  }
}
