package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator's meters on the real API server, as its /metrics port serves them. */
@ExtendWith(DiagnosticsOnFailure.class)
class MetricsIT {
  @Test
  void conditionsAndReconciliationsAreCountedAsTheOperatorRuns() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OperatorRun run =
        new OperatorRun("metrics")
            .tuned(s -> s.withMeters(meters, true).withDriftScanInterval(Duration.ofMillis(500)))
            .start()) {
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

      run.apply(
          ReachabilityCheck.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\nmetadata: {name: probe}\n"
              + "spec: {region: eu-west-1, from: {cidr: 10.0.0.9/32}, to: {instanceId:"
              + " i-0a000003}, port: 5432, expect: Blocked}\n");
      run.awaitCondition(ReachabilityCheck.class, "probe", "ExpectationMet", "True");
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .untilAsserted(
              () ->
                  assertThat(meters.scrape())
                      .contains(
                          "portcullis_reachability_check_verdict{name=\"probe\",namespace=\""
                              + run.ns
                              + "\",verdict=\"TimedOut\"} 1.0")
                      .contains(
                          "portcullis_reachability_check_expectation_met{name=\"probe\",namespace=\""
                              + run.ns
                              + "\"} 1.0")
                      .contains(
                          "portcullis_drift_scans_total{outcome=\"in_sync\",region=\"eu-west-1\"}")
                      .contains("portcullis_ec2_request_duration_seconds_bucket")
                      .contains("portcullis_ec2_rate_limiter_wait_seconds_count"));
      run.delete(ReachabilityCheck.class, "probe");
      run.awaitGone(ReachabilityCheck.class, "probe");
      await()
          .atMost(10, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .alias("the deleted check's series go")
          .until(() -> !meters.scrape().contains("name=\"probe\""));

      run.delete(SecurityGroup.class, "bad");
      run.awaitGone(SecurityGroup.class, "bad");
      assertThat(meters.scrape())
          .as("a deleted resource no longer counts")
          .contains(
              "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"InvalidSpec\",status=\"False\",type=\"Ready\"} 0.0");
    }
  }
}
