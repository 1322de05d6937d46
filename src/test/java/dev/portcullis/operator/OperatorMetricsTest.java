package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.EU;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.engine.eval.flowlog.FlowLogFixtures;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The drift and condition meters, as Prometheus scrapes them, driven through the reconciler. */
class OperatorMetricsTest {
  final ReconcilerWorld world = new ReconcilerWorld();
  final SecurityGroupReconciler reconciler = new SecurityGroupReconciler(world.op);

  SecurityGroup group(String name, String extra) {
    return world.groups.put(
        resource(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
                + name
                + "}\nspec: {region: eu-west-1, vpcId: vpc-0a000001, ingress: [{ports: [443],"
                + " from: [{cidr: 0.0.0.0/0}]}]"
                + extra
                + "}\n"));
  }

  String scrape() {
    return world.meters.scrape();
  }

  @Test
  void resourcesAreCountedByConditionAsTheCacheHoldsThem() {
    world.reconcile(reconciler, group("web", ""));
    world.reconcile(reconciler, group("bad", ", groupName: sg-bad"));
    world.reconcile(reconciler, group("db", ""));
    assertThat(scrape())
        .contains(
            "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"Ready\",status=\"True\",type=\"Ready\"} 2.0")
        .contains(
            "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"InvalidSpec\",status=\"False\",type=\"Ready\"} 1.0")
        .contains(
            "portcullis_ec2_requests_total{action=\"CreateSecurityGroup\",outcome=\"Success\",region=\"eu-west-1\"} 2.0");
  }

  @Test
  void driftReportedIsAGaugeWhileItLastsAndCountedOnce() {
    SecurityGroup sg = group("web", ", driftPolicy: Report");
    world.reconcile(reconciler, sg);
    world.removeIngressOutOfBand(sg.getStatus().getGroupId());
    world.reconcile(reconciler, sg);
    world.reconcile(reconciler, sg);
    assertThat(scrape())
        .contains(
            "portcullis_security_group_drift_rules{drift=\"missing\",name=\"web\",namespace=\"shop\",region=\"eu-west-1\"} 1.0")
        .contains(
            "portcullis_security_group_drift_rules{drift=\"unexpected\",name=\"web\",namespace=\"shop\",region=\"eu-west-1\"} 0.0")
        .contains("portcullis_drift_found_total{outcome=\"reported\",policy=\"Report\"} 1.0")
        .contains(
            "portcullis_security_group_drift_last_seen_timestamp_seconds{name=\"web\",namespace=\"shop\",region=\"eu-west-1\"} 1.7672256E9");
  }

  @Test
  void driftSomeoneKeepsMakingIsARisingCounterAndTheGaugeFallsBackOnceCorrected() {
    SecurityGroup sg = group("web", "");
    world.reconcile(reconciler, sg);
    for (int i = 0; i < 3; i++) {
      world.clock.advance(Duration.ofMinutes(5));
      world.removeIngressOutOfBand(sg.getStatus().getGroupId());
      world.reconcile(reconciler, sg);
    }
    assertThat(scrape())
        .contains("portcullis_drift_found_total{outcome=\"corrected\",policy=\"Correct\"} 3.0")
        .contains(
            "portcullis_security_group_drift_rules{drift=\"missing\",name=\"web\",namespace=\"shop\",region=\"eu-west-1\"} 0.0")
        .contains(
            "portcullis_security_group_drift_last_seen_timestamp_seconds{name=\"web\",namespace=\"shop\",region=\"eu-west-1\"} 1.7672265E9");
  }

  @Test
  void aDeletedGroupTakesItsOwnSeriesWithIt() {
    SecurityGroup sg = group("web", "");
    world.reconcile(reconciler, sg);
    assertThat(scrape()).contains("namespace=\"shop\"");
    reconciler.cleanup(sg, new CacheOnlyContext<>(sg, world.groups));
    assertThat(scrape()).doesNotContain("name=\"web\"");
  }

  @Test
  void perResourceSeriesCanBeTurnedOff() {
    var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorMetrics off = new OperatorMetrics(meters, false);
    SecurityGroup sg = group("web", "");
    off.drift(sg, EU, new DriftSummary(1, 0, List.of("x")));
    off.driftFound("Report", OperatorMetrics.DriftOutcome.REPORTED);
    assertThat(meters.scrape())
        .doesNotContain("namespace=")
        .contains("portcullis_drift_found_total{outcome=\"reported\",policy=\"Report\"} 1.0");
  }

  @Test
  void everyMetricIsInDocsMetricsMdAndEveryDocumentedOneIsServed() throws Exception {
    SecurityGroup sg = group("web", "");
    world.reconcile(reconciler, sg);
    world.removeIngressOutOfBand(sg.getStatus().getGroupId());
    world.reconcile(reconciler, sg);
    new FlowMeters(world.meters)
        .add(
            FlowMetersTest.tally(
                List.of(
                    FlowLogFixtures.line(
                        "eni-web", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT"))));
    Set<String> served = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^(portcullis_\\w+)[{ ]").matcher(scrape());
    while (m.find()) {
      served.add(m.group(1));
    }
    Set<String> documented = new TreeSet<>();
    Matcher d =
        Pattern.compile("(?m)^\\| `(portcullis_\\w+)`")
            .matcher(Files.readString(Path.of("docs/metrics.md")));
    while (d.find()) {
      documented.add(d.group(1));
    }
    assertThat(served).isNotEmpty().isEqualTo(documented);
  }
}
