package dev.portcullis.engine.eval.flowlog;

import dev.portcullis.engine.Direction;

/**
 * The labels of one series of the flow meters.
 *
 * @param protocol {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6} or {@code other}
 * @param port a {@link PortLabels} label, {@code ""} for protocols without ports
 */
public record FlowKey(
    Owner owner,
    Direction direction,
    String protocol,
    String port,
    boolean accepted,
    FlowReason reason) {
  /** The {@code direction} label. */
  public String directionLabel() {
    return direction == Direction.INGRESS ? "ingress" : "egress";
  }

  /** The {@code action} label. */
  public String actionLabel() {
    return accepted ? "accept" : "reject";
  }
}
