package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.EU;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.Expectation;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.engine.eval.flowlog.FlowLogFixtures;
import dev.portcullis.sync.Retry;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
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
    return world.httpsGroup(name, extra);
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

  /** A reachability check the informer holds, reconciled once. */
  ReachabilityCheck check(String name, String expect) {
    ReachabilityCheck c =
        world.checks.put(
            resource(
                ReachabilityCheck.class,
                "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
                    + "metadata: {name: "
                    + name
                    + "}\nspec: {region: eu-west-1, from: {cidr: 10.0.0.9/32}, to: {instanceId:"
                    + " i-0a000003}, port: 5432"
                    + (expect == null ? "" : ", expect: " + expect)
                    + "}\n"));
    UpdateControl<ReachabilityCheck> control =
        new ReachabilityCheckReconciler(world.op).reconcile(c, null);
    c.setStatus(control.getResource().orElseThrow().getStatus());
    return c;
  }

  @Test
  void aChecksVerdictAndExpectationAreGaugesReadFromTheCacheUntilItLeavesIt() {
    ReachabilityCheck c = check("db-from-office", "Reachable");
    check("db-unjudged", null);
    assertThat(scrape())
        .contains(
            "portcullis_reachability_check_verdict{name=\"db-from-office\",namespace=\"shop\",verdict=\"TimedOut\"} 1.0")
        .contains(
            "portcullis_reachability_check_verdict{name=\"db-from-office\",namespace=\"shop\",verdict=\"Reachable\"} 0.0")
        .contains(
            "portcullis_reachability_check_expectation_met{name=\"db-from-office\",namespace=\"shop\"} 0.0")
        .contains(
            "portcullis_reachability_check_expectation_met{name=\"db-unjudged\",namespace=\"shop\"} NaN");

    c.getSpec().setExpect(Expectation.BLOCKED);
    c.setStatus(
        new ReachabilityCheckReconciler(world.op)
            .reconcile(c, null)
            .getResource()
            .orElseThrow()
            .getStatus());
    assertThat(scrape())
        .as("read at the scrape")
        .contains(
            "portcullis_reachability_check_expectation_met{name=\"db-from-office\",namespace=\"shop\"} 1.0");

    world.op.metrics().leftCache(c);
    assertThat(scrape()).doesNotContain("db-from-office").contains("db-unjudged");
  }

  @Test
  void checksHaveNoSeriesWithoutPerResourceMetrics() {
    var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorMetrics off = new OperatorMetrics(meters, false);
    ReachabilityCheck c = check("db-from-office", "Reachable");
    off.status(c, c.getStatus());
    assertThat(meters.scrape()).doesNotContain("portcullis_reachability_check");
  }

  @Test
  void ec2RequestsAreTimedInBucketsAndTheLimitersWaitsToo() {
    world.reconcile(reconciler, group("web", ""));
    world.op.metrics().limiterWaits().took(EU, "CreateSecurityGroup", 1_500_000_000L);
    assertThat(scrape())
        .contains(
            "portcullis_ec2_request_duration_seconds_bucket{action=\"CreateSecurityGroup\",region=\"eu-west-1\",le=\"0.005\"} 1")
        .contains(
            "portcullis_ec2_request_duration_seconds_count{action=\"CreateSecurityGroup\",region=\"eu-west-1\"} 1")
        .contains(
            "portcullis_ec2_rate_limiter_wait_seconds_bucket{action=\"CreateSecurityGroup\",region=\"eu-west-1\",le=\"1.0\"} 0")
        .contains(
            "portcullis_ec2_rate_limiter_wait_seconds_bucket{action=\"CreateSecurityGroup\",region=\"eu-west-1\",le=\"10.0\"} 1")
        .contains("portcullis_ec2_creations_queued{region=\"eu-west-1\"} 0.0");
  }

  @Test
  void creationsWaitingForTheirTurnAreCountedByTheRegionOfTheirGroup() {
    var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorContext paced =
        new OperatorContext(
            new EventRecorder(e -> {}, world.clock),
            s -> {},
            CloudBackend.simulator(world.sim),
            new Retry(2, 1, 1, ms -> {}, 1),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            world.clock,
            1,
            new OperatorMetrics(meters, true),
            Shard.ALL);
    MapCache<SecurityGroup> cache = new MapCache<>();
    paced.triggers().groups(new EventSourceContext<>(cache, null, null, SecurityGroup.class));
    for (String[] g : new String[][] {{"first", EU}, {"web", EU}, {"us", "us-east-1"}}) {
      cache.put(
          resource(
              SecurityGroup.class,
              "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
                  + g[0]
                  + "}\nspec: {region: "
                  + g[1]
                  + ", vpcId: vpc-0a000001}\n"));
    }
    paced.metrics().region(EU);
    paced.metrics().region("us-east-1");
    assertThat(paced.creations().tryStart("shop/first", false)).isTrue();
    assertThat(paced.creations().tryStart("shop/web", false)).isFalse();
    assertThat(paced.creations().tryStart("shop/us", false)).isFalse();
    assertThat(meters.scrape())
        .contains("portcullis_ec2_creations_queued{region=\"eu-west-1\"} 1.0")
        .contains("portcullis_ec2_creations_queued{region=\"us-east-1\"} 1.0");
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
    DriftScan.manual(world.op).scanAll();
    check("db-from-office", "Reachable");
    world.op.metrics().limiterWaits().took(EU, "CreateSecurityGroup", 0);
    world.op.metrics().rateLimits(dev.portcullis.cloud.RequestLimits.defaults());
    Set<String> served = new TreeSet<>();
    String scrape = scrape();
    // a timer's samples (_bucket, _count, _sum, and Micrometer's _max) are one documented metric
    Set<String> timers = new TreeSet<>();
    Matcher t =
        Pattern.compile("(?m)^# TYPE (portcullis_\\w+) (histogram|summary)$").matcher(scrape);
    while (t.find()) {
      timers.add(t.group(1));
    }
    Matcher m = Pattern.compile("(?m)^(portcullis_\\w+)[{ ]").matcher(scrape);
    while (m.find()) {
      String name = m.group(1);
      String stem = name.replaceFirst("_(bucket|count|sum|max)$", "");
      served.add(timers.contains(stem) ? stem : name);
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
