package dev.portcullis.engine;

import java.util.List;

/**
 * One rule as a user writes it, before validation: a protocol (tcp when null), ports as names,
 * numbers or {@code from-to} ranges, an optional ICMP type and code, one or more peers and a
 * description. {@code path} names where it came from ({@code spec.ingress[0]}) so that every
 * problem found names the field.
 */
public record RuleSpec(
    String path,
    Direction direction,
    String protocol,
    List<String> ports,
    Integer icmpType,
    Integer icmpCode,
    List<PeerSpec> peers,
    String description) {

  public RuleSpec {
    ports = ports == null ? List.of() : List.copyOf(ports);
    peers = peers == null ? List.of() : List.copyOf(peers);
  }

  /** A tcp/udp rule with ports, the common case. */
  public static RuleSpec of(
      String path, Direction direction, String protocol, List<String> ports, List<PeerSpec> peers) {
    return new RuleSpec(path, direction, protocol, ports, null, null, peers, null);
  }
}
