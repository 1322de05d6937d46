package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * The schema of one item of {@code status.conditions}. The Java type is Fabric8's {@link
 * io.fabric8.kubernetes.api.model.Condition}, which carries no descriptions; this class gives the
 * generated schema the descriptions and bounds of Kubernetes' own Condition type. It is never
 * instantiated.
 */
public final class ConditionSchema {
  private ConditionSchema() {}

  @JsonPropertyDescription(
      "The kind of condition: Ready, Synced or Drifted for a SecurityGroup; Ready for a"
          + " SecurityGroupAttachment; Evaluated or ExpectationMet for a ReachabilityCheck.")
  @Required
  @Size(max = 316)
  public String type;

  @JsonPropertyDescription("True, False or Unknown.")
  @Required
  @Pattern("^(True|False|Unknown)$")
  public String status;

  @JsonPropertyDescription(
      "The metadata.generation of the resource that the condition was set from.")
  @Min(0)
  public Long observedGeneration;

  @JsonPropertyDescription(
      "When the condition last changed status (RFC 3339); unchanged while the status stays.")
  public String lastTransitionTime;

  @JsonPropertyDescription(
      "Why the condition has its status, as one CamelCase word a program can match.")
  @Size(max = 1024)
  public String reason;

  @JsonPropertyDescription("What a person needs to know about the condition, in a sentence.")
  @Size(max = 32768)
  public String message;
}
