package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** The ICMP messages an icmp or icmpv6 rule allows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type != -1 || self.code == -1",
    message = "code must be -1 (any) when type is -1 (any), as EC2 requires")
public class IcmpMatch {
  @JsonPropertyDescription(
      "The ICMP (or ICMPv6) type, such as 8 for echo request or 3 for destination unreachable;"
          + " -1 for every type.")
  @Required
  @Min(-1)
  @Max(255)
  private Integer type;

  @JsonPropertyDescription("The ICMP code within the type; -1 (the default) for every code.")
  @Default("-1")
  @Min(-1)
  @Max(255)
  private Integer code;

  public IcmpMatch() {}

  public IcmpMatch(Integer type, Integer code) {
    this.type = type;
    this.code = code;
  }

  public Integer getType() {
    return type;
  }

  public void setType(Integer type) {
    this.type = type;
  }

  public Integer getCode() {
    return code;
  }

  public void setCode(Integer code) {
    this.code = code;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IcmpMatch m && Objects.equals(type, m.type) && Objects.equals(code, m.code);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, code);
  }
}
