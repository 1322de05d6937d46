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
@AdditionalPrinterColumn(
    name = "Region",
    jsonPath = ".spec.region",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The AWS region.")
@AdditionalPrinterColumn(
    name = "Drifted",
    jsonPath = ".status.conditions[?(@.type==\"Drifted\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether the rules in EC2 differ from the spec.")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether EC2 matches the spec.")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE,
    getDescription = "Time since the resource was created.")
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
