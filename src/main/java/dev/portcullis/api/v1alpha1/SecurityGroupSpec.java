package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The desired EC2 security group. {@code egress} left out and {@code egress: []} differ: the first
 * keeps EC2's default allow-all egress rule, the second allows no egress at all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.groupName) == has(oldSelf.groupName)",
    message =
        "groupName cannot be added or removed after creation: EC2 cannot rename a security"
            + " group; create a new SecurityGroup instead")
@ValidationRule(
    value = "has(self.adoptGroupId) == has(oldSelf.adoptGroupId)",
    message = "adoptGroupId cannot be added or removed after creation")
@ValidationRule(
    value = "!has(self.groupName) || !has(self.adoptGroupId)",
    message = "groupName and adoptGroupId are mutually exclusive: an adopted group keeps its name")
public class SecurityGroupSpec {
  @JsonPropertyDescription(
      "The AWS region of the group, such as eu-west-1. Immutable: a security group cannot move.")
  @Required
  @ValidationRule(value = Schema.REGION_RULE, message = Schema.REGION_MESSAGE)
  @Size(max = Schema.REGION_MAX)
  @ValidationRule(value = Schema.IMMUTABLE, message = "region is immutable")
  private String region;

  @JsonPropertyDescription(
      "The VPC of the group (vpc- followed by 8 or 17 hex digits). Immutable: EC2 cannot move a"
          + " group to another VPC.")
  @Required
  @ValidationRule(value = Schema.VPC_ID_RULE, message = Schema.VPC_ID_MESSAGE)
  @Size(max = Schema.ID_MAX)
  @ValidationRule(value = Schema.IMMUTABLE, message = "vpcId is immutable")
  private String vpcId;

  @JsonPropertyDescription(
      "The name of the EC2 group: up to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
          + " characters; it must not start with sg- and must not be default (EC2 compares names"
          + " without regard to case). When left out, the operator derives a name from the"
          + " namespace and the name of this resource. Immutable, and it cannot be added or"
          + " removed later: EC2 cannot rename a group.")
  @Size(min = 1, max = Schema.EC2_TEXT_MAX)
  @ValidationRule(value = Schema.EC2_TEXT_RULE, message = "groupName" + Schema.EC2_TEXT_ONLY)
  @ValidationRule(
      value = "!self.lowerAscii().startsWith('sg-')",
      message = "groupName must not start with sg-, which EC2 reserves for group ids")
  @ValidationRule(
      value = "self.lowerAscii() != 'default'",
      message = "groupName must not be default: every VPC already has a group of that name")
  @ValidationRule(
      value = Schema.IMMUTABLE,
      message = "groupName is immutable: EC2 cannot rename a security group")
  private String groupName;

  @JsonPropertyDescription(
      "The description of the EC2 group: 1 to 255 letters, digits, spaces and"
          + " ._-:/()#,@[]+=&;{}!$* characters (EC2 requires one). Immutable: EC2 cannot change"
          + " a group's description. An adopted group keeps its own description.")
  @Default("Managed by Portcullis")
  @Size(min = 1, max = Schema.EC2_TEXT_MAX)
  @ValidationRule(value = Schema.EC2_TEXT_RULE, message = "description" + Schema.EC2_TEXT_ONLY)
  @ValidationRule(
      value = Schema.IMMUTABLE,
      message = "description is immutable: EC2 cannot change a security group's description")
  private String description;

  @JsonPropertyDescription(
      "The id of an existing group in vpcId to take over instead of creating one. Its rules are"
          + " then managed as ruleOwnership says. Cannot be added, changed or removed after"
          + " creation.")
  @ValidationRule(value = Schema.GROUP_ID_RULE, message = "adoptGroupId" + Schema.IS_A_GROUP_ID)
  @Size(max = Schema.ID_MAX)
  @ValidationRule(value = Schema.IMMUTABLE, message = "adoptGroupId is immutable")
  private String adoptGroupId;

  @JsonPropertyDescription(
      "Inbound rules, up to 60. Left out or empty, the spec allows nothing in; another group"
          + " on the same instance may still allow traffic, as security groups only ever allow.")
  @Size(max = 60)
  private List<IngressRule> ingress;

  @JsonPropertyDescription(
      "Outbound rules, up to 60. Left out, the group keeps EC2's default egress: the one rule"
          + " EC2 gives every new group, allowing all traffic to 0.0.0.0/0. An empty list"
          + " (egress: []) means no egress at all: EC2's default rule is removed. A non-empty"
          + " list replaces the default rule with the listed ones.")
  @Size(max = 60)
  private List<EgressRule> egress;

  @JsonPropertyDescription(
      "Authoritative (the default): the rules in EC2 are exactly the rules of this spec, and"
          + " rules added by anyone else are removed. Additive: the operator adds the rules of"
          + " this spec and removes only rules it added itself (status.managedRules), leaving"
          + " rules added by others alone.")
  @Default("Authoritative")
  private RuleOwnership ruleOwnership;

  @JsonPropertyDescription(
      "What to do when the rules in EC2 drift from the spec (someone changed them in the"
          + " console, say). Correct (the default): change them back. Report: leave them, and"
          + " report the difference in status.drift and the Drifted condition.")
  @Default("Correct")
  private DriftPolicy driftPolicy;

  @JsonPropertyDescription(
      "What happens to the EC2 group when this resource is deleted. Delete (the default):"
          + " delete the group. Retain: keep the group and its rules in EC2.")
  @Default("Delete")
  private DeletionPolicy deletionPolicy;

  @JsonPropertyDescription(
      "EC2 tags for the group: up to 50. Keys have 1 to 128 characters and must not start with"
          + " aws: (reserved by AWS, in any case) or portcullis.dev/ (the operator's ownership"
          + " tags); values have up to 256 characters.")
  @Size(max = 50)
  @ValidationRule(
      value = "self.all(k, size(k) >= 1 && size(k) <= 128)",
      message = "tag keys must have 1 to 128 characters")
  // The size guard bounds the cost of lowerAscii(): the schema cannot bound a map key's length.
  @ValidationRule(
      value = "self.all(k, size(k) > 128 || !k.lowerAscii().startsWith('aws:'))",
      message = "tag keys must not start with aws:, which AWS reserves")
  @ValidationRule(
      value = "self.all(k, !k.startsWith('portcullis.dev/'))",
      message = "tag keys under portcullis.dev/ are reserved for the operator's ownership tags")
  private Map<String, @Size(max = 256) String> tags;

  public SecurityGroupSpec() {}

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getVpcId() {
    return vpcId;
  }

  public void setVpcId(String vpcId) {
    this.vpcId = vpcId;
  }

  public String getGroupName() {
    return groupName;
  }

  public void setGroupName(String groupName) {
    this.groupName = groupName;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  public String getAdoptGroupId() {
    return adoptGroupId;
  }

  public void setAdoptGroupId(String adoptGroupId) {
    this.adoptGroupId = adoptGroupId;
  }

  public List<IngressRule> getIngress() {
    return ingress;
  }

  public void setIngress(List<IngressRule> ingress) {
    this.ingress = ingress;
  }

  /** Null when left out (keep EC2's default egress), empty for {@code egress: []} (none). */
  public List<EgressRule> getEgress() {
    return egress;
  }

  public void setEgress(List<EgressRule> egress) {
    this.egress = egress;
  }

  public RuleOwnership getRuleOwnership() {
    return ruleOwnership;
  }

  public void setRuleOwnership(RuleOwnership ruleOwnership) {
    this.ruleOwnership = ruleOwnership;
  }

  public DriftPolicy getDriftPolicy() {
    return driftPolicy;
  }

  public void setDriftPolicy(DriftPolicy driftPolicy) {
    this.driftPolicy = driftPolicy;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  public Map<String, String> getTags() {
    return tags;
  }

  public void setTags(Map<String, String> tags) {
    this.tags = tags;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecurityGroupSpec s
        && Objects.equals(region, s.region)
        && Objects.equals(vpcId, s.vpcId)
        && Objects.equals(groupName, s.groupName)
        && Objects.equals(description, s.description)
        && Objects.equals(adoptGroupId, s.adoptGroupId)
        && Objects.equals(ingress, s.ingress)
        && Objects.equals(egress, s.egress)
        && ruleOwnership == s.ruleOwnership
        && driftPolicy == s.driftPolicy
        && deletionPolicy == s.deletionPolicy
        && Objects.equals(tags, s.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        region,
        vpcId,
        groupName,
        description,
        adoptGroupId,
        ingress,
        egress,
        ruleOwnership,
        driftPolicy,
        deletionPolicy,
        tags);
  }
}
