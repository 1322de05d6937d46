package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.BASTION;
import static dev.portcullis.it.OperatorRun.BASTION_ENI;
import static dev.portcullis.it.OperatorRun.EU;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.FlowLogSource;
import dev.portcullis.cloud.ForwardingCloud;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.aws.CloudWatchFlowLogs;
import dev.portcullis.cloud.aws.FlowLogCheckpoints;
import dev.portcullis.cloud.aws.MotoServer;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Faults;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.flowlog.FlowLogFixtures;
import dev.portcullis.it.Monitoring.DocumentedMetric;
import dev.portcullis.operator.FlowLogPump;
import dev.portcullis.operator.FlowMeters;
import dev.portcullis.operator.MetricsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * Debian's Prometheus scrapes the operator's /metrics while the operator runs on the real API
 * server and the simulator (which throttles three requests in ten, as a busy account does). Drift
 * is made outside the operator under both policies, flow log records are put into moto's CloudWatch
 * Logs and the simulator's traffic is read, and EC2 refuses one group's creation for longer than
 * the operator's retries; Prometheus' HTTP API then shows every metric of docs/metrics.md with its
 * documented labels, the drift gauges and counters exactly where the changes put them, the flows
 * counted exactly as the records sent, data for every dashboard panel and every alert, and the
 * alerts firing.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class PrometheusIT {
  /** The CloudWatch Logs group, in moto, that the flow log records are put into. */
  private static final String FLOW_LOG_GROUP = "/vpc/flow-logs";

  private static final String FLOW_LOG_STREAM = BASTION_ENI + "-all";

  /**
   * The drift scan runs, much more often than its default, so that it and the resyncs race to find
   * each change: every change must still be counted exactly once.
   */
  private static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);

  /** Labels every scraped series has besides its own, and those of histograms and summaries. */
  private static final Set<String> SCRAPE_LABELS = Set.of("__name__", "job", "instance", "le");

  private static final Rule RDP =
      new Rule(Direction.INGRESS, Protocol.TCP, 3389, 3389, Cidr4.ANY, "added by hand");
  private static final Rule SSH =
      new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, new Cidr4(0x0A000000, 16), "");

  /** A SecurityGroup's spec lines that let SSH in from the VPC. */
  private static final String SSH_FROM_VPC =
      "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/16}]\n";

  @TempDir Path tmp;

  /**
   * EC2 as the operator sees it: it refuses to create the group named {@code flaky} with a passing
   * fault while {@code refusing} holds, so that its reconciliation throws once the retries are
   * spent, as in an outage of a few seconds.
   */
  private static CloudPort refusingFlaky(CloudPort ec2, AtomicBoolean refusing) {
    return new ForwardingCloud(ec2) {
      @Override
      public SecurityGroupInfo createSecurityGroup(
          String region, String vpcId, String name, String description, Map<String, String> tags) {
        if (refusing.get() && name.contains("flaky")) {
          throw new CloudException(
              "ServiceUnavailable", CloudException.Kind.TRANSIENT, "EC2 is unavailable");
        }
        return super.createSecurityGroup(region, vpcId, name, description, tags);
      }
    };
  }

  @Test
  void prometheusSeesDriftAsItHappensAndEveryPanelAndAlertFindsItsSeries() throws Exception {
    Ec2Simulator sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .throttling(ThrottlingMode.OFF)
            .faults(Faults.none().withThrottleRate(0.3))
            .seed(11)
            .build();
    AtomicBoolean refusing = new AtomicBoolean(true);
    try (MotoServer moto = MotoServer.start();
        MetricsServer metrics = MetricsServer.start("127.0.0.1", 0, () -> true, () -> true);
        OperatorRun run =
            new OperatorRun("prometheus", sim)
                .tuned(
                    s ->
                        s.withMeters(metrics.registry(), true).withDriftScanInterval(SCAN_INTERVAL))
                .start(ec2 -> refusingFlaky(ec2, refusing));
        PrometheusServer prom =
            PrometheusServer.start(tmp, "127.0.0.1:" + metrics.port(), List.of(fastRules()))) {
      String ns = run.ns;
      String ssh = SSH_FROM_VPC;
      run.apply(SecurityGroup.class, SecurityGroupIT.sg("fixed", ssh));
      run.apply(SecurityGroup.class, SecurityGroupIT.sg("gone", ssh));
      run.apply(
          SecurityGroup.class, SecurityGroupIT.sg("watched", "  driftPolicy: Report\n" + ssh));
      // a reference across regions: Ready=False, InvalidSpec
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: us}\n"
              + "spec:\n  region: us-east-1\n  vpcId: vpc-0e000001\n");
      run.apply(
          SecurityGroup.class,
          SecurityGroupIT.sg("bad", "  ingress: [{ports: [22], from: [{securityGroup: us}]}]\n"));
      // nothing lets 5432 into db: TimedOut, against the expectation
      run.apply(
          ReachabilityCheck.class,
          ReachabilityCheckIT.check("psql", "{cidr: 10.0.1.10/32}", 5432, "Reachable"));
      // an instance that does not exist: Evaluated=False
      run.apply(
          ReachabilityCheck.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\nmetadata: {name: ghost}\n"
              + "spec:\n  region: eu-west-1\n  from: {cidr: 10.0.1.10/32}\n"
              + "  to: {instanceId: i-0fffffff}\n  protocol: tcp\n  port: 5432\n");
      // a VPC that does not exist: EC2 answers InvalidVpcID.NotFound
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: novpc}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0fffffff\n");
      for (String name : List.of("fixed", "gone", "watched")) {
        run.awaitCondition(SecurityGroup.class, name, "Ready", "True");
      }
      run.awaitCondition(SecurityGroup.class, "bad", "Ready", "False", "InvalidSpec");
      run.awaitCondition(ReachabilityCheck.class, "psql", "ExpectationMet", "False");
      run.awaitCondition(ReachabilityCheck.class, "ghost", "Evaluated", "False");
      run.awaitCondition(SecurityGroup.class, "novpc", "Ready", "False");
      // checks are not judged while a group of their namespace is being reconciled: flaky last
      run.apply(SecurityGroup.class, SecurityGroupIT.sg("flaky", ssh));
      pumpFlows(run, metrics, prom, moto);
      simulatorTraffic(run, metrics, prom);

      // EC2 refused flaky's creation past the retries: JOSDK counted the reconciliation as failed
      await()
          .atMost(60, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .alias("a failed reconciliation of a SecurityGroup, in Prometheus")
          .untilAsserted(
              () ->
                  assertThat(prom.query("operator_sdk_reconciliations_failed_total"))
                      .anySatisfy(
                          f ->
                              assertThat(f.labels())
                                  .containsEntry("kind", "SecurityGroup")
                                  .containsEntry("exception", "CloudException")));
      refusing.set(false);
      run.awaitCondition(SecurityGroup.class, "flaky", "Ready", "True");

      await()
          .atMost(30, SECONDS)
          .pollInterval(250, MILLISECONDS)
          .alias("Prometheus scrapes the operator")
          .until(() -> "up".equals(prom.targetHealth()));
      String drift =
          "portcullis_security_group_drift_rules{namespace=\""
              + ns
              + "\",name=~\"fixed|gone|watched\"}";
      awaitSeries(prom, drift, 6);
      assertThat(prom.query("sum(" + drift + ")"))
          .singleElement()
          .extracting("value")
          .isEqualTo(0.0);
      assertThat(prom.query("portcullis_drift_found_total"))
          .as("no drift before any change")
          .isEmpty();

      // Report: each change to what differs counts once, and the gauges say what differs now.
      String watched = run.groupId("watched");
      outOfBand(() -> sim.authorize(EU, watched, Direction.INGRESS, List.of(RDP)));
      awaitValue(prom, driftOf(ns, "watched", "unexpected"), 1);
      awaitValue(prom, found("Report", "reported"), 1);
      outOfBand(
          () -> {
            sim.revoke(EU, watched, Direction.INGRESS, List.of(SSH));
            return null;
          });
      awaitValue(prom, driftOf(ns, "watched", "missing"), 1);
      awaitValue(prom, found("Report", "reported"), 2);
      assertThat(value(prom, driftOf(ns, "watched", "unexpected"))).isEqualTo(1.0);

      // Correct: the same rule added four times, revoked four times, counted four times.
      String fixed = run.groupId("fixed");
      for (int k = 1; k <= 4; k++) {
        outOfBand(() -> sim.authorize(EU, fixed, Direction.INGRESS, List.of(RDP)));
        awaitValue(prom, found("Correct", "corrected"), k);
        awaitRule(run, fixed, "ingress tcp port 3389 from 0.0.0.0/0", false);
      }

      // A group deleted outside Portcullis is created again, and counted once.
      String goneId = run.groupId("gone");
      outOfBand(
          () -> {
            sim.deleteSecurityGroup(EU, goneId);
            return null;
          });
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .until(() -> run.groupId("gone") != null && !run.groupId("gone").equals(goneId));
      awaitValue(prom, found("Correct", "group_deleted"), 1);

      // Exactly what the changes made: no other drift counted, no other rule differs.
      await()
          .atMost(10, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .untilAsserted(
              () -> {
                Map<String, Double> counts = new LinkedHashMap<>();
                prom.query("portcullis_drift_found_total")
                    .forEach(
                        s ->
                            counts.put(
                                s.labels().get("policy") + " " + s.labels().get("outcome"),
                                s.value()));
                assertThat(counts)
                    .containsOnly(
                        Map.entry("Report reported", 2.0),
                        Map.entry("Correct corrected", 4.0),
                        Map.entry("Correct group_deleted", 1.0));
                Map<String, Double> rules = new LinkedHashMap<>();
                prom.query(drift)
                    .forEach(
                        s ->
                            rules.put(
                                s.labels().get("name") + " " + s.labels().get("drift"), s.value()));
                assertThat(rules)
                    .containsOnly(
                        Map.entry("fixed missing", 0.0),
                        Map.entry("fixed unexpected", 0.0),
                        Map.entry("gone missing", 0.0),
                        Map.entry("gone unexpected", 0.0),
                        Map.entry("watched missing", 1.0),
                        Map.entry("watched unexpected", 1.0));
              });
      assertThat(
              prom.query(
                  "portcullis_security_group_drift_last_seen_timestamp_seconds{namespace=\""
                      + ns
                      + "\"}"))
          .extracting(s -> s.labels().get("name"))
          .containsExactlyInAnyOrder("fixed", "gone", "watched");

      assertDocumentedMetrics(prom);
      assertEveryQueryHasData(prom);

      // The alerts (every `for:` cut to one second) fire where the changes made them.
      await()
          .atMost(60, SECONDS)
          .pollInterval(1, SECONDS)
          .untilAsserted(
              () ->
                  assertThat(prom.firingAlerts())
                      .anySatisfy(
                          alert(
                              Map.of(
                                  "alertname",
                                  "PortcullisDriftNotCorrected",
                                  "namespace",
                                  ns,
                                  "name",
                                  "watched")))
                      .anySatisfy(
                          alert(Map.of("alertname", "PortcullisDriftFought", "policy", "Correct")))
                      .anySatisfy(
                          alert(
                              Map.of(
                                  "alertname", "PortcullisResourceNotReady",
                                  "kind", "SecurityGroup",
                                  "reason", "InvalidSpec")))
                      .anySatisfy(
                          alert(Map.of("alertname", "PortcullisReachabilityExpectationNotMet")))
                      .anySatisfy(
                          alert(
                              Map.of(
                                  "alertname", "PortcullisDenialsOnExpectedReachableFlow",
                                  "namespace", ns,
                                  "attachment", "app-tier",
                                  "reason", "no_ingress_rule")))
                      .anySatisfy(
                          alert(Map.of("alertname", "PortcullisEc2Throttled", "region", EU))));
      assertThat(prom.firingAlerts())
          .as("drift that was corrected is no drift left uncorrected")
          .noneMatch(
              a ->
                  "PortcullisDriftNotCorrected".equals(a.get("alertname"))
                      && !"watched".equals(a.get("name")));
      assertThat(prom.ruleErrors()).isEmpty();
    }
  }

  /** EC2's default flow log format, which {@link FlowLogFixtures#line} writes. */
  private static final String DEFAULT_FORMAT =
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes"
          + " start end action log-status";

  /** Puts {@code lines} into moto's flow log group with PutLogEvents, one event each. */
  private static void put(CloudWatchLogsClient logs, List<String> lines) {
    long now = System.currentTimeMillis();
    List<InputLogEvent> events = new ArrayList<>();
    for (String l : lines) {
      events.add(InputLogEvent.builder().timestamp(now).message(l).build());
    }
    logs.putLogEvents(
        r -> r.logGroupName(FLOW_LOG_GROUP).logStreamName(FLOW_LOG_STREAM).logEvents(events));
  }

  /**
   * Attaches a group that lets SSH in from the VPC to the bastion, then pumps known flow log
   * records of the bastion's interface through the operator's meters: Prometheus counts exactly
   * those, by attachment and reason, and the lines that are no record as skipped.
   */
  private static void pumpFlows(
      OperatorRun run, MetricsServer metrics, PrometheusServer prom, MotoServer moto) {
    run.apply(SecurityGroup.class, SecurityGroupIT.sg("app", SSH_FROM_VPC));
    run.awaitCondition(SecurityGroup.class, "app", "Ready", "True");
    // the records are attributed against the rules EC2 holds: wait until it holds SSH
    awaitRule(run, run.groupId("app"), "ingress tcp port 22 from 10.0.0.0/16", true);
    run.apply(
        SecurityGroupAttachment.class,
        AttachmentIT.attachment("app-tier", "[app]", "{ids: [" + BASTION + "]}"));
    run.awaitCondition(SecurityGroupAttachment.class, "app-tier", "Ready", "True");
    assertThat(
            run.get(SecurityGroupAttachment.class, "app-tier").getStatus().getAttachedInstances())
        .extracting(i -> i.getInterfaceId())
        .containsExactly(BASTION_ENI);

    String bastion = "10.0.1.10";
    List<String> lines = new ArrayList<>();
    // RDP from outside: no rule of app lets it in
    lines.addAll(
        Collections.nCopies(
            5, FlowLogFixtures.line(BASTION_ENI, "192.0.2.9", bastion, 3389, 6, "REJECT")));
    // SSH from the VPC: app lets it in, so something else rejected what was rejected
    lines.addAll(
        Collections.nCopies(
            4, FlowLogFixtures.line(BASTION_ENI, "10.0.5.5", bastion, 22, 6, "ACCEPT")));
    lines.addAll(
        Collections.nCopies(
            3, FlowLogFixtures.line(BASTION_ENI, "10.0.5.5", bastion, 22, 6, "REJECT")));
    lines.add("not a flow log record");
    lines.add("2 123456789012 " + BASTION_ENI + " 10.0.5.5 " + bastion + " 49152 22 6 3");
    // the pump reads the attachments from the operator's informer, which the status reaches last
    await()
        .atMost(10, SECONDS)
        .pollInterval(100, MILLISECONDS)
        .alias("the operator's informer holds app-tier on " + BASTION_ENI)
        .until(
            () ->
                run.operator().context().watchedAttachments().get().stream()
                    .anyMatch(
                        a ->
                            a.getStatus() != null
                                && a.getStatus().getAttachedInstances() != null
                                && a.getStatus().getAttachedInstances().stream()
                                    .anyMatch(i -> BASTION_ENI.equals(i.getInterfaceId()))));
    try (CloudWatchLogsClient logs =
        CloudWatchLogsClient.builder()
            .region(Region.of(EU))
            .endpointOverride(moto.endpoint())
            .credentialsProvider(MotoServer.CREDENTIALS)
            .build()) {
      logs.createLogGroup(r -> r.logGroupName(FLOW_LOG_GROUP));
      logs.createLogStream(r -> r.logGroupName(FLOW_LOG_GROUP).logStreamName(FLOW_LOG_STREAM));
      // the operator's reader of a CloudWatch Logs group (--flow-log-group, --flow-log-endpoint)
      try (CloudWatchFlowLogs source =
              CloudWatchFlowLogs.of(
                  EU,
                  FLOW_LOG_GROUP,
                  moto.endpoint(),
                  MotoServer.CREDENTIALS,
                  DEFAULT_FORMAT,
                  System::currentTimeMillis,
                  FlowLogCheckpoints.NONE);
          FlowLogPump pump =
              new FlowLogPump(
                      source,
                      run.sim::estate,
                      run.operator().context().watchedAttachments(),
                      new FlowMeters(metrics.registry()),
                      () -> {},
                      System::nanoTime)
                  .start(Duration.ofMillis(500), () -> true)) {
        put(logs, lines);
        countsEqualRecordsSent(run, prom, logs);
        assertThat(pump.pump().flowCount()).as("a read after all counts nothing again").isZero();
      }
    }
  }

  /**
   * The flows, packets and bytes of the records put into moto, in Prometheus by attachment, action
   * and reason: exactly those sent, each counted once by the reads that keep coming.
   */
  private static void countsEqualRecordsSent(
      OperatorRun run, PrometheusServer prom, CloudWatchLogsClient logs) {
    String bastion = "10.0.1.10";
    String owner = run.ns + " app-tier ";
    awaitCounts(
        prom,
        "sum by (namespace, attachment, action, reason) (portcullis_flows_total)",
        Map.of(
            owner + "reject no_ingress_rule", 5.0,
            owner + "reject not_security_group", 3.0,
            owner + "accept allowed", 4.0));
    awaitCounts(
        prom,
        "sum by (namespace, attachment, action, reason) (portcullis_flow_packets_total)",
        Map.of(
            owner + "reject no_ingress_rule", 15.0,
            owner + "reject not_security_group", 9.0,
            owner + "accept allowed", 12.0));
    awaitCounts(
        prom,
        "sum by (namespace, attachment, action, reason) (portcullis_flow_bytes_total)",
        Map.of(
            owner + "reject no_ingress_rule", 900.0,
            owner + "reject not_security_group", 540.0,
            owner + "accept allowed", 720.0));
    awaitCounts(
        prom,
        "sum by (reason) (portcullis_flow_records_skipped_total) > 0",
        Map.of("malformed", 2.0));

    // RDP keeps coming: the rate of rejections on app-tier rises where a check (psql) is not met
    put(
        logs,
        Collections.nCopies(
            5, FlowLogFixtures.line(BASTION_ENI, "192.0.2.9", bastion, 3389, 6, "REJECT")));
    awaitCounts(
        prom,
        "sum by (namespace, attachment, action, reason)"
            + " (portcullis_flows_total{reason=\"no_ingress_rule\"})",
        Map.of(owner + "reject no_ingress_rule", 10.0));
    // and the reads that follow, from five minutes before the newest record, count none again
    await()
        .during(2, SECONDS)
        .atMost(5, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .alias("the flows stay counted once")
        .until(
            () ->
                prom.query("sum(portcullis_flows_total)").stream()
                    .allMatch(f -> f.value() == 5.0 + 3 + 4 + 5));
  }

  /** A flow log source that keeps count of the records it handed out, by their action. */
  private static final class Recording implements FlowLogSource {
    private final FlowLogSource source;
    private final Map<String, Double> byAction = new LinkedHashMap<>();

    Recording(FlowLogSource source) {
      this.source = source;
    }

    @Override
    public synchronized List<String> read() {
      List<String> lines = source.read();
      for (String line : lines) {
        for (String field : line.split(" ")) {
          if (field.equals("ACCEPT") || field.equals("REJECT")) {
            byAction.merge(field.toLowerCase(java.util.Locale.ROOT), 1.0, Double::sum);
          }
        }
      }
      return lines;
    }

    synchronized Map<String, Double> byAction() {
      return new LinkedHashMap<>(byAction);
    }

    @Override
    public String format() {
      return source.format();
    }

    @Override
    public String describe() {
      return source.describe();
    }
  }

  /**
   * The simulator's synthetic traffic (the demo world's {@code traffic:}), read as the operator on
   * the simulator reads it, moving the traffic up to now before each read: Prometheus counts, by
   * action, exactly the records the simulator generated, on top of those put into moto.
   */
  private static void simulatorTraffic(
      OperatorRun run, MetricsServer metrics, PrometheusServer prom) {
    assertThat(run.sim.world().traffic()).as("the demo world's traffic").isNotEmpty();
    Recording generated = new Recording(run.sim.flowLogs());
    FlowLogPump pump =
        new FlowLogPump(
                generated,
                run.sim::estate,
                run.operator().context().watchedAttachments(),
                new FlowMeters(metrics.registry()),
                run.sim::tick,
                System::nanoTime)
            .start(Duration.ofMillis(500), () -> true);
    try {
      await()
          .atMost(30, SECONDS)
          .pollInterval(250, MILLISECONDS)
          .alias("the simulator's traffic, accepted and rejected, read")
          .until(() -> generated.byAction().keySet().containsAll(List.of("accept", "reject")));
    } finally {
      pump.close();
    }
    System.out.println("the simulator's traffic: records by action " + generated.byAction());
    // moto's records: 4 accepted, 3 + 5 + 5 rejected
    await()
        .atMost(30, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .untilAsserted(
            () -> {
              Map<String, Double> expected = generated.byAction();
              expected.merge("accept", 4.0, Double::sum);
              expected.merge("reject", 13.0, Double::sum);
              Map<String, Double> counted = new LinkedHashMap<>();
              prom.query("sum by (action) (portcullis_flows_total)")
                  .forEach(f -> counted.put(f.labels().get("action"), f.value()));
              assertThat(counted).as("flows by action").isEqualTo(expected);
            });
  }

  /** Waits until {@code query} answers exactly {@code expected}: its labels' values, by value. */
  private static void awaitCounts(
      PrometheusServer prom, String query, Map<String, Double> expected) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .untilAsserted(
            () -> {
              Map<String, Double> counts = new LinkedHashMap<>();
              for (PrometheusServer.Sample s : prom.query(query)) {
                List<String> values = new ArrayList<>();
                for (String label : List.of("namespace", "attachment", "action", "reason")) {
                  if (s.labels().containsKey(label)) {
                    values.add(s.labels().get(label));
                  }
                }
                counts.put(String.join(" ", values), s.value());
              }
              assertThat(counts).as(query).isEqualTo(expected);
            });
  }

  /** monitoring/alerts.yaml with every {@code for:} cut to one second. */
  private Path fastRules() throws Exception {
    String rules = Monitoring.read(Monitoring.ALERTS);
    String fast = rules.replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s");
    assertThat(fast).isNotEqualTo(rules);
    return Files.writeString(tmp.resolve("alerts-fast.yaml"), fast);
  }

  private static java.util.function.Consumer<Map<String, String>> alert(
      Map<String, String> labels) {
    return a -> assertThat(a).containsAllEntriesOf(labels);
  }

  private static String driftOf(String ns, String name, String kind) {
    return "portcullis_security_group_drift_rules{namespace=\""
        + ns
        + "\",name=\""
        + name
        + "\",drift=\""
        + kind
        + "\"}";
  }

  private static String found(String policy, String outcome) {
    return "portcullis_drift_found_total{policy=\"" + policy + "\",outcome=\"" + outcome + "\"}";
  }

  /** Waits until EC2 holds {@code rule} in the group (or, {@code held} false, no longer does). */
  private static void awaitRule(OperatorRun run, String groupId, String rule, boolean held) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .ignoreException(CloudException.class)
        .alias(groupId + (held ? " holds " : " does not hold ") + rule)
        .until(() -> SecurityGroupIT.rules(run.group(groupId)).contains(rule) == held);
  }

  /** A change made with the simulator's API, retried when it throttles this client too. */
  private static void outOfBand(Callable<?> change) {
    await()
        .atMost(10, SECONDS)
        .pollInterval(50, MILLISECONDS)
        .ignoreException(CloudException.class)
        .until(
            () -> {
              change.call();
              return true;
            });
  }

  private static double value(PrometheusServer prom, String query) {
    List<PrometheusServer.Sample> s = prom.query(query);
    assertThat(s).as(query).hasSize(1);
    return s.get(0).value();
  }

  private static void awaitValue(PrometheusServer prom, String query, double expected) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .untilAsserted(
            () ->
                assertThat(prom.query(query))
                    .as(query)
                    .singleElement()
                    .extracting(PrometheusServer.Sample::value)
                    .isEqualTo(expected));
    // and it stays: the scrapes and resyncs that follow do not count the same change again
    await()
        .during(2, SECONDS)
        .atMost(5, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .alias(query + " stays " + expected)
        .until(() -> value(prom, query) == expected);
  }

  private static void awaitSeries(PrometheusServer prom, String query, int count) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .untilAsserted(() -> assertThat(prom.query(query)).as(query).hasSize(count));
  }

  /** Every metric of docs/metrics.md is scraped, with exactly the labels the page names. */
  private static void assertDocumentedMetrics(PrometheusServer prom) {
    List<String> problems = new ArrayList<>();
    Set<String> missing = new TreeSet<>();
    for (DocumentedMetric m : Monitoring.documentedMetrics()) {
      List<PrometheusServer.Sample> series =
          prom.query("{__name__=~\"" + m.pattern() + "(_count|_sum|_max|_bucket)?\"}");
      if (series.isEmpty()) {
        missing.add(m.name());
        continue;
      }
      if (m.labels().isEmpty()) {
        continue;
      }
      // A label whose value is "" (documented for some) is no label to Prometheus: each series has
      // no label but the documented ones, and all of them together have each of those.
      Set<String> seen = new TreeSet<>();
      for (PrometheusServer.Sample s : series) {
        Set<String> labels = new TreeSet<>(s.labels().keySet());
        labels.removeAll(SCRAPE_LABELS);
        seen.addAll(labels);
        if (!m.labels().containsAll(labels)) {
          problems.add(m.name() + ": labels " + labels + ", documented " + m.labels());
          break;
        }
      }
      if (!seen.equals(m.labels())) {
        problems.add(m.name() + ": labels " + seen + " in all, documented " + m.labels());
      }
    }
    assertThat(missing).as("documented metrics Prometheus has no series of").isEmpty();
    assertThat(problems).as("documented metrics with other labels").isEmpty();
  }

  /**
   * Every query of every dashboard panel, and every alert's expression without its thresholds (the
   * series it compares), returns at least one series; those that do not are listed.
   */
  private static void assertEveryQueryHasData(PrometheusServer prom) {
    List<String> lacking = new ArrayList<>();
    Monitoring.panelQueries()
        .forEach(
            q -> {
              if (prom.query(q.expr()).isEmpty()) {
                lacking.add(q.toString());
              }
            });
    Monitoring.alerts(Monitoring.ALERTS)
        .forEach(
            (name, expr) -> {
              if (prom.query(withoutThresholds(expr)).isEmpty()) {
                lacking.add("alert " + name + ": " + withoutThresholds(expr));
              }
            });
    assertThat(lacking).as("queries without data").isEmpty();
  }

  /** An alert's expression without its comparisons to numbers: the series it compares. */
  static String withoutThresholds(String expr) {
    return expr.replaceAll("\\s*(>=|<=|==|!=|>|<)\\s*-?[0-9.]+", "");
  }
}
