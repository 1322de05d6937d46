package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One ingress rule: protocol and ports, and the peers who may connect to members of the group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Schema.RULE_PORTS_REQUIRED, message = Schema.RULE_PORTS_REQUIRED_MESSAGE)
@ValidationRule(
    value = Schema.RULE_PORTS_ONLY_TCP_UDP,
    message = Schema.RULE_PORTS_ONLY_TCP_UDP_MESSAGE)
@ValidationRule(value = Schema.RULE_ICMP_ONLY_ICMP, message = Schema.RULE_ICMP_ONLY_ICMP_MESSAGE)
public class IngressRule extends AbstractRule {
  @JsonPropertyDescription(
      "The sources allowed in: 1 to 50 peers. Each port and each peer makes one EC2 rule.")
  @Required
  @Size(min = 1, max = 50)
  private List<RulePeer> from;

  public IngressRule() {}

  public List<RulePeer> getFrom() {
    return from;
  }

  public void setFrom(List<RulePeer> from) {
    this.from = from;
  }

  @Override
  @JsonIgnore
  public List<RulePeer> peers() {
    return from;
  }
}
