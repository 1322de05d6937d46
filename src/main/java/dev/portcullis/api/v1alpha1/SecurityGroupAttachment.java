package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Security groups of this namespace put on EC2 instances, by id or by tags. */
@Group(SecurityGroup.GROUP)
@Version(SecurityGroup.VERSION)
@ShortNames("psga")
// kubectl get shows the columns in this order (the build keeps it: PrinterColumnOrder).
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether every selected instance carries every group.")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Why the attachment is or is not Ready, in one word.")
@AdditionalPrinterColumn(
    name = "Region",
    jsonPath = ".spec.region",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The AWS region.")
@AdditionalPrinterColumn(
    name = "Instances",
    jsonPath = ".status.instanceCount",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "How many instances carry the groups.")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE,
    getDescription = "Time since the resource was created.")
@AdditionalPrinterColumn(
    name = "Message",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].message",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1,
    getDescription = "What the Ready condition says, in a sentence.")
public class SecurityGroupAttachment
    extends CustomResource<SecurityGroupAttachmentSpec, SecurityGroupAttachmentStatus>
    implements Namespaced {

  @Override
  @JsonPropertyDescription("Which groups go on which instances.")
  public SecurityGroupAttachmentSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator last observed; written by the operator.")
  public SecurityGroupAttachmentStatus getStatus() {
    return super.getStatus();
  }
}
