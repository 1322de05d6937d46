package dev.portcullis.engine.eval;

import java.util.List;

/**
 * A network interface: its private IPv4 address, optional public IPv4 address (null when none),
 * optional IPv6 address (null when none, as {@code [high, low]}), and the ids of the groups it
 * carries.
 */
public record NetworkInterface(
    String interfaceId, int privateIp, Integer publicIp, long[] ipv6, List<String> groupIds) {
  public NetworkInterface {
    groupIds = List.copyOf(groupIds);
  }
}
