package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator's meters on the real API server, as its /metrics port serves them. */
@ExtendWith(DiagnosticsOnFailure.class)
class MetricsIT {
  @Test
  void conditionsAndReconciliationsAreCountedAsTheOperatorRuns() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OperatorRun run =
        new OperatorRun("metrics").tuned(s -> s.withMeters(meters, true)).start()) {
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: web}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n");
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: us}\n"
              + "spec:\n  region: us-east-1\n  vpcId: vpc-0e000001\n");
      // a reference across regions: refused by the operator, not the schema
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: bad}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n"
              + "  ingress: [{ports: [22], from: [{securityGroup: us}]}]\n");
      run.awaitCondition(SecurityGroup.class, "web", "Ready", "True");
      run.awaitCondition(SecurityGroup.class, "bad", "Ready", "False", "InvalidSpec");
      String scrape = meters.scrape();
      assertThat(scrape)
          .contains(
              "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"Ready\",status=\"True\",type=\"Ready\"} 2.0")
          .contains(
              "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"InvalidSpec\",status=\"False\",type=\"Ready\"} 1.0")
          .contains("operator_sdk_reconciliations_started_total")
          .contains("operator_sdk_reconciliations_success_total");
      assertThat(scrape.lines().filter(l -> l.startsWith("operator_sdk")))
          .as("JOSDK's meters carry no resource names")
          .isNotEmpty()
          .noneMatch(l -> l.contains("name=\"web\""));

      run.delete(SecurityGroup.class, "bad");
      run.awaitGone(SecurityGroup.class, "bad");
      assertThat(meters.scrape())
          .as("a deleted resource no longer counts")
          .contains(
              "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"InvalidSpec\",status=\"False\",type=\"Ready\"} 0.0");
    }
  }
}
