package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Where a checked connection goes to: an instance, or an address. Exactly one field is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.instanceId) ? 1 : 0) + (has(self.cidr) ? 1 : 0) == 1",
    message = "to must set exactly one of instanceId or cidr")
public class FlowTarget {
  @JsonPropertyDescription(
      "The destination instance (i-...): its groups' ingress rules decide, and whether anything"
          + " listens on the port tells Reachable from ConnectionRefused.")
  @ValidationRule(
      value = Schema.INSTANCE_ID_RULE,
      message = "instanceId" + Schema.IS_AN_INSTANCE_ID)
  @Size(max = Schema.ID_MAX)
  private String instanceId;

  @JsonPropertyDescription(
      "Or a destination address: one IPv4 or IPv6 address (8.8.8.8, 2001:db8::5) or a CIDR block"
          + " (10.2.0.0/16, decided for every address in it). The source must then be an instance"
          + " or a SecurityGroup. An address of an instance of the region (its private IP in the"
          + " source's VPC, its public IP, its IPv6 address) is decided as to that instance, by"
          + " the route the address takes: to a public IP over the internet, where rules that"
          + " reference groups do not match. Any other address is outside what Portcullis knows:"
          + " only the source's egress rules are decided, and Reachable means as far as security"
          + " groups go.")
  @Size(max = Schema.CIDR_MAX)
  @ValidationRule(value = Schema.ADDRESS_RULE, message = Schema.ADDRESS_MESSAGE)
  private String cidr;

  public FlowTarget() {}

  public FlowTarget(String instanceId) {
    this.instanceId = instanceId;
  }

  /** A destination address or CIDR. */
  public static FlowTarget address(String cidr) {
    FlowTarget t = new FlowTarget();
    t.setCidr(cidr);
    return t;
  }

  public String getInstanceId() {
    return instanceId;
  }

  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  public String getCidr() {
    return cidr;
  }

  public void setCidr(String cidr) {
    this.cidr = cidr;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowTarget t
        && Objects.equals(instanceId, t.instanceId)
        && Objects.equals(cidr, t.cidr);
  }

  @Override
  public int hashCode() {
    return Objects.hash(instanceId, cidr);
  }
}
