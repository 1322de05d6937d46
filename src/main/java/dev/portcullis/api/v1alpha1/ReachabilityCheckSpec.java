package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** One connection to evaluate against the security groups in EC2. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!(self.protocol in "
            + Schema.PORT_PROTOCOLS
            + " || self.protocol in "
            + Schema.ICMP_PROTOCOLS
            + ") || has(self.port)",
    message = "port is required for tcp, udp (the port) and icmp, icmpv6 (the ICMP type)")
@ValidationRule(
    value =
        "!(self.protocol in " + Schema.ICMP_PROTOCOLS + ") || !has(self.port) || self.port <= 255",
    message = "for icmp and icmpv6, port is the ICMP type: 0 to 255")
public class ReachabilityCheckSpec {
  @JsonPropertyDescription("The AWS region of the instances and groups, such as eu-west-1.")
  @Required
  @ValidationRule(value = Schema.REGION_RULE, message = Schema.REGION_MESSAGE)
  @Size(max = Schema.REGION_MAX)
  private String region;

  @JsonPropertyDescription(
      "Where the connection comes from: exactly one of cidr, instanceId, securityGroup or"
          + " securityGroupId.")
  @Required
  private FlowSource from;

  @JsonPropertyDescription(
      "Where the connection goes to: exactly one of instanceId or cidr (an address or CIDR).")
  @Required
  private FlowTarget to;

  @JsonPropertyDescription(
      "The IP protocol of the connection: tcp (the default), udp, icmp, icmpv6 or a protocol"
          + " number from 0 to 255. Not all: a connection has one protocol.")
  @Default("tcp")
  @ValidationRule(value = Schema.FLOW_PROTOCOL_RULE, message = Schema.FLOW_PROTOCOL_MESSAGE)
  @Size(max = 6)
  private String protocol;

  @JsonPropertyDescription(
      "The destination port, 0 to 65535; for icmp and icmpv6 the ICMP type, 0 to 255 (8 is echo"
          + " request). Required for those four protocols, ignored for others.")
  @Min(0)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "What the verdict should be, if anything: Reachable (met by the verdict Reachable) or"
          + " Blocked (met by TimedOut, a security group drops the connection). ConnectionRefused"
          + " meets neither: the groups allow the connection but nothing listens. The"
          + " ExpectationMet condition reports the outcome.")
  private Expectation expect;

  public ReachabilityCheckSpec() {}

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public FlowSource getFrom() {
    return from;
  }

  public void setFrom(FlowSource from) {
    this.from = from;
  }

  public FlowTarget getTo() {
    return to;
  }

  public void setTo(FlowTarget to) {
    this.to = to;
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

  public Expectation getExpect() {
    return expect;
  }

  public void setExpect(Expectation expect) {
    this.expect = expect;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReachabilityCheckSpec s
        && Objects.equals(region, s.region)
        && Objects.equals(from, s.from)
        && Objects.equals(to, s.to)
        && Objects.equals(protocol, s.protocol)
        && Objects.equals(port, s.port)
        && expect == s.expect;
  }

  @Override
  public int hashCode() {
    return Objects.hash(region, from, to, protocol, port, expect);
  }
}
