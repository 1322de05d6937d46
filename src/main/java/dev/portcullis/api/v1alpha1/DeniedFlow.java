package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One kind of rejected flow in a {@link DenialSummary}, with how many records had it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeniedFlow {
  @JsonPropertyDescription("Records of this kind in the window.")
  private Long count;

  @JsonPropertyDescription("ingress (arriving at the interface) or egress (leaving it).")
  private String direction;

  @JsonPropertyDescription("tcp, udp, icmp, icmpv6 or other.")
  private String protocol;

  @JsonPropertyDescription("The destination port; absent for protocols without ports.")
  private Integer port;

  @JsonPropertyDescription(
      "The far side's prefix: where an ingress packet came from, where an egress packet went (its"
          + " /24, or /64 for IPv6).")
  private String peer;

  @JsonPropertyDescription(
      "Why it was rejected: no_ingress_rule or no_egress_rule (no rule of the interface's groups"
          + " allows it), or not_security_group (the groups allow it: a network ACL, or a late"
          + " packet of a closed connection, rejected it).")
  private String reason;

  public DeniedFlow() {}

  public DeniedFlow(
      Long count, String direction, String protocol, Integer port, String peer, String reason) {
    this.count = count;
    this.direction = direction;
    this.protocol = protocol;
    this.port = port;
    this.peer = peer;
    this.reason = reason;
  }

  public Long getCount() {
    return count;
  }

  public void setCount(Long count) {
    this.count = count;
  }

  public String getDirection() {
    return direction;
  }

  public void setDirection(String direction) {
    this.direction = direction;
  }

  public String getProtocol() {
    return protocol;
  }

  public void setProtocol(String protocol) {
    this.protocol = protocol;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getPeer() {
    return peer;
  }

  public void setPeer(String peer) {
    this.peer = peer;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeniedFlow d
        && Objects.equals(count, d.count)
        && Objects.equals(direction, d.direction)
        && Objects.equals(protocol, d.protocol)
        && Objects.equals(port, d.port)
        && Objects.equals(peer, d.peer)
        && Objects.equals(reason, d.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, direction, protocol, port, peer, reason);
  }
}
