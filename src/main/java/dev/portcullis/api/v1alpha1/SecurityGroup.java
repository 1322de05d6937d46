package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** An EC2 security group and its rules, managed from Kubernetes. */
@Group(SecurityGroup.GROUP)
@Version(SecurityGroup.VERSION)
@Singular("securitygroup")
@Plural("securitygroups")
@ShortNames({"psg", "portsg"})
// kubectl get shows the columns in this order (the build keeps it: PrinterColumnOrder): how
// it stands first, then which group it is, then its contents; the message only with -o wide.
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether EC2 matches the spec.")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Why the group is or is not Ready, in one word.")
@AdditionalPrinterColumn(
    name = "Group ID",
    jsonPath = ".status.groupId",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The id of the EC2 group (sg-...), once it exists.")
@AdditionalPrinterColumn(
    name = "Region",
    jsonPath = ".spec.region",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The AWS region.")
@AdditionalPrinterColumn(
    name = "Ingress",
    jsonPath = ".status.ingressRules",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Atomic inbound rules in EC2: one per protocol, port range and peer.")
@AdditionalPrinterColumn(
    name = "Egress",
    jsonPath = ".status.egressRules",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Atomic outbound rules in EC2, counted as for Ingress.")
@AdditionalPrinterColumn(
    name = "Drifted",
    jsonPath = ".status.conditions[?(@.type==\"Drifted\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether the rules in EC2 differ from the spec.")
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
public class SecurityGroup extends CustomResource<SecurityGroupSpec, SecurityGroupStatus>
    implements Namespaced {
  public static final String GROUP = "ec2.portcullis.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription("The desired EC2 security group.")
  public SecurityGroupSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator last observed; written by the operator.")
  public SecurityGroupStatus getStatus() {
    return super.getStatus();
  }
}
