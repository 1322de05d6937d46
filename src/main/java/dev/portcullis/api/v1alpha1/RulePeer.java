package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** The other side of a rule: exactly one of its fields is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.cidr) ? 1 : 0) + (has(self.securityGroup) ? 1 : 0)"
            + " + (has(self.securityGroupId) ? 1 : 0) + (has(self.prefixListId) ? 1 : 0)"
            + " + (has(self.self) ? 1 : 0) == 1",
    message =
        "a peer must set exactly one of cidr, securityGroup, securityGroupId, prefixListId or"
            + " self")
public class RulePeer {
  @JsonPropertyDescription(
      "An IPv4 or IPv6 CIDR block, such as 10.0.0.0/16, 203.0.113.7/32 or 2001:db8::/32. Host"
          + " bits are masked (10.1.2.3/16 means 10.1.0.0/16) and reported as a warning.")
  @Size(max = Schema.CIDR_MAX)
  @ValidationRule(value = Schema.CIDR_RULE, message = Schema.CIDR_MESSAGE)
  private String cidr;

  @JsonPropertyDescription(
      "The name of another SecurityGroup in this namespace. The rule matches traffic from (or"
          + " to) the network interfaces that carry that group; the operator resolves the name"
          + " to the group's id, and waits while that group has none.")
  @ValidationRule(
      value = Schema.OBJECT_NAME_RULE,
      message = "securityGroup" + Schema.IS_AN_OBJECT_NAME)
  @Size(max = Schema.OBJECT_NAME_MAX)
  private String securityGroup;

  @JsonPropertyDescription(
      "The id of a security group not managed in this namespace (sg- followed by 8 or 17 hex"
          + " digits), for instance one in a peered VPC.")
  @ValidationRule(value = Schema.GROUP_ID_RULE, message = "securityGroupId" + Schema.IS_A_GROUP_ID)
  @Size(max = Schema.ID_MAX)
  private String securityGroupId;

  @JsonPropertyDescription(
      "The id of a managed prefix list (pl-...). EC2 counts it against the group's rule quota"
          + " as its maximum number of entries.")
  @ValidationRule(value = Schema.PREFIX_LIST_ID_RULE, message = Schema.PREFIX_LIST_ID_MESSAGE)
  @Size(max = Schema.ID_MAX)
  private String prefixListId;

  @JsonPropertyDescription(
      "true: the group this rule belongs to, so that members of the group can reach each"
          + " other. Only true is allowed; leave the field out otherwise.")
  @ValidationRule(value = "self == true", message = "self can only be true; leave it out instead")
  private Boolean self;

  public RulePeer() {}

  public static RulePeer cidr(String cidr) {
    RulePeer p = new RulePeer();
    p.setCidr(cidr);
    return p;
  }

  public static RulePeer securityGroup(String name) {
    RulePeer p = new RulePeer();
    p.setSecurityGroup(name);
    return p;
  }

  public static RulePeer securityGroupId(String id) {
    RulePeer p = new RulePeer();
    p.setSecurityGroupId(id);
    return p;
  }

  public static RulePeer prefixList(String id) {
    RulePeer p = new RulePeer();
    p.setPrefixListId(id);
    return p;
  }

  public static RulePeer selfGroup() {
    RulePeer p = new RulePeer();
    p.setSelf(Boolean.TRUE);
    return p;
  }

  public String getCidr() {
    return cidr;
  }

  public void setCidr(String cidr) {
    this.cidr = cidr;
  }

  public String getSecurityGroup() {
    return securityGroup;
  }

  public void setSecurityGroup(String securityGroup) {
    this.securityGroup = securityGroup;
  }

  public String getSecurityGroupId() {
    return securityGroupId;
  }

  public void setSecurityGroupId(String securityGroupId) {
    this.securityGroupId = securityGroupId;
  }

  public String getPrefixListId() {
    return prefixListId;
  }

  public void setPrefixListId(String prefixListId) {
    this.prefixListId = prefixListId;
  }

  public Boolean getSelf() {
    return self;
  }

  public void setSelf(Boolean self) {
    this.self = self;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RulePeer p
        && Objects.equals(cidr, p.cidr)
        && Objects.equals(securityGroup, p.securityGroup)
        && Objects.equals(securityGroupId, p.securityGroupId)
        && Objects.equals(prefixListId, p.prefixListId)
        && Objects.equals(self, p.self);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cidr, securityGroup, securityGroupId, prefixListId, self);
  }
}
