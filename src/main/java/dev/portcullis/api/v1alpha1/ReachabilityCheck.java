package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A question about the security groups in EC2: would this connection get through? The operator
 * answers it in the status, and again whenever the groups change.
 */
@Group(SecurityGroup.GROUP)
@Version(SecurityGroup.VERSION)
@ShortNames({"prc", "reach"})
// kubectl get shows the columns in this order (the build keeps it: PrinterColumnOrder): the
// answer first, then the question; the explanation only with -o wide.
@AdditionalPrinterColumn(
    name = "Met",
    jsonPath = ".status.conditions[?(@.type==\"ExpectationMet\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether the verdict is the expected one; empty without expect.")
@AdditionalPrinterColumn(
    name = "Verdict",
    jsonPath = ".status.verdict",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "What a client would see: Reachable, TimedOut or ConnectionRefused.")
@AdditionalPrinterColumn(
    name = "Expected",
    jsonPath = ".spec.expect",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The expected outcome, if any.")
@AdditionalPrinterColumn(
    name = "From",
    jsonPath = ".spec.from.*",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The source: a CIDR, an instance, a SecurityGroup name or a group id.")
@AdditionalPrinterColumn(
    name = "To",
    jsonPath = ".spec.to.*",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The destination: an instance, an address or a CIDR.")
@AdditionalPrinterColumn(
    name = "Protocol",
    jsonPath = ".spec.protocol",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The IP protocol of the connection.")
@AdditionalPrinterColumn(
    name = "Port",
    jsonPath = ".spec.port",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "The destination port, or the ICMP type.")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE,
    getDescription = "Time since the resource was created.")
@AdditionalPrinterColumn(
    name = "Explanation",
    jsonPath = ".status.explanation",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1,
    getDescription = "Why the verdict is what it is, in a sentence.")
public class ReachabilityCheck
    extends CustomResource<ReachabilityCheckSpec, ReachabilityCheckStatus> implements Namespaced {

  @Override
  @JsonPropertyDescription("The connection to evaluate.")
  public ReachabilityCheckSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("The outcome; written by the operator.")
  public ReachabilityCheckStatus getStatus() {
    return super.getStatus();
  }
}
