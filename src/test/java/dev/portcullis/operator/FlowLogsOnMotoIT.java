package dev.portcullis.operator;

import static dev.portcullis.engine.eval.flowlog.FlowLogFixtures.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.aws.CloudWatchFlowLogs;
import dev.portcullis.cloud.aws.FlowLogCheckpoints;
import dev.portcullis.cloud.aws.MotoServer;
import dev.portcullis.engine.eval.flowlog.FlowLogFixtures;
import dev.portcullis.engine.eval.flowlog.FlowLogFormat;
import dev.portcullis.engine.eval.flowlog.FlowReason;
import dev.portcullis.engine.eval.flowlog.FlowTally;
import dev.portcullis.engine.eval.flowlog.Skip;
import dev.portcullis.it.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * Flow log records put into a CloudWatch Logs group of moto's are read by the operator's source,
 * attributed and counted: the counts by reason equal the records sent, and a second read counts
 * only what was put since.
 */
class FlowLogsOnMotoIT {
  private static final String REGION = "eu-west-1";
  private static final String GROUP = "/vpc/flow-logs";
  private static final String STREAM = "eni-web-all";

  private static MotoServer moto;
  private static CloudWatchLogsClient logs;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    logs =
        CloudWatchLogsClient.builder()
            .region(Region.of(REGION))
            .endpointOverride(moto.endpoint())
            .credentialsProvider(MotoServer.CREDENTIALS)
            .build();
    logs.createLogGroup(r -> r.logGroupName(GROUP));
    logs.createLogStream(r -> r.logGroupName(GROUP).logStreamName(STREAM));
  }

  @AfterAll
  static void stop() throws Exception {
    if (logs != null) {
      logs.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static void put(List<String> lines) {
    put(GROUP, System.currentTimeMillis(), lines);
  }

  private static void put(String group, long at, List<String> lines) {
    List<InputLogEvent> events = new ArrayList<>();
    for (String l : lines) {
      events.add(InputLogEvent.builder().timestamp(at).message(l).build());
    }
    logs.putLogEvents(r -> r.logGroupName(group).logStreamName(STREAM).logEvents(events));
  }

  private static List<String> times(int n, String line) {
    return Collections.nCopies(n, line);
  }

  @Test
  void recordsPutIntoALogGroupAreCountedByReasonOnceEach() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (CloudWatchFlowLogs source =
        CloudWatchFlowLogs.of(
            REGION,
            GROUP,
            moto.endpoint(),
            MotoServer.CREDENTIALS,
            FlowLogFormat.DEFAULT.toString(),
            () -> System.currentTimeMillis() - 60_000,
            FlowLogCheckpoints.NONE)) {
      FlowLogPump pump = pump(source, registry);
      String denied = line("eni-web", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT");
      List<String> first = new ArrayList<>();
      first.addAll(times(7, denied));
      first.addAll(times(3, line("eni-web", "198.51.100.7", "10.0.0.10", 443, 6, "REJECT")));
      first.addAll(times(2, line("eni-bastion", "10.0.0.20", "10.0.0.10", 80, 6, "REJECT")));
      first.addAll(times(5, line("eni-web", "198.51.100.7", "10.0.0.10", 443, 6, "ACCEPT")));
      first.addAll(times(2, "2 123456789012 eni-web not a record"));
      first.addAll(times(1, line("eni-gone", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT")));
      put(first);

      FlowTally t = pump.pump();
      assertThat(t.flowCount(FlowReason.NO_INGRESS_RULE)).isEqualTo(7);
      assertThat(t.flowCount(FlowReason.NOT_SECURITY_GROUP)).isEqualTo(3);
      assertThat(t.flowCount(FlowReason.NO_EGRESS_RULE)).isEqualTo(2);
      assertThat(t.flowCount(FlowReason.ALLOWED)).isEqualTo(5);
      assertThat(t.skipped())
          .containsEntry(Skip.MALFORMED, 2L)
          .containsEntry(Skip.UNKNOWN_INTERFACE, 1L)
          .hasSize(2);

      put(times(4, denied));
      FlowTally second = pump.pump();
      assertThat(second.flowCount()).as("only what was put since").isEqualTo(4);
      assertThat(pump.pump().flowCount()).as("nothing new").isZero();
      assertThat(registry.scrape())
          .contains(
              "portcullis_flows_total{action=\"reject\",attachment=\"unmanaged\",direction=\"ingress\",namespace=\"\",port=\"22\",protocol=\"tcp\",reason=\"no_ingress_rule\"} 11.0")
          .contains("portcullis_flow_records_skipped_total{reason=\"malformed\"} 2.0");
    }
  }

  /**
   * A reader stopped and another started (an operator's restart) with their checkpoint in a
   * ConfigMap of the real API server: the records the first counted are not counted again, those
   * logged while none ran (some timestamped before the last one the first read) are counted, each
   * once; a read that finds nothing new writes nothing.
   */
  @Test
  void acrossARestartEveryRecordIsCountedOnce() {
    String group = "/vpc/flow-logs-restarts";
    logs.createLogGroup(r -> r.logGroupName(group));
    logs.createLogStream(r -> r.logGroupName(group).logStreamName(STREAM));
    TestCluster cluster = TestCluster.shared();
    KubernetesClient kube = cluster.client();
    String ns = cluster.newNamespace("flow-checkpoint");
    String name = "portcullis-flow-logs";
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String denied = line("eni-web", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT");
    long start = System.currentTimeMillis();
    put(group, start - 30_000, times(6, denied));

    try (CloudWatchFlowLogs first = reader(group, kube, ns, name)) {
      assertThat(pump(first, registry).pump().flowCount()).isEqualTo(6);
    }
    ConfigMap saved = kube.configMaps().inNamespace(ns).withName(name).get();
    assertThat(saved.getData())
        .containsOnlyKeys(ConfigMapCheckpoints.key(REGION, group))
        .hasEntrySatisfying(
            ConfigMapCheckpoints.key(REGION, group), text -> assertThat(text).contains(group));

    // While no operator runs: records older than the newest one read, and newer ones.
    put(group, start - 120_000, times(3, denied));
    put(group, System.currentTimeMillis(), times(4, denied));

    try (CloudWatchFlowLogs second = reader(group, kube, ns, name)) {
      FlowLogPump pump = pump(second, registry);
      assertThat(pump.pump().flowCount()).as("only what was logged while down").isEqualTo(7);
      String version =
          kube.configMaps().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion();
      assertThat(pump.pump().flowCount()).as("nothing new").isZero();
      assertThat(
              kube.configMaps()
                  .inNamespace(ns)
                  .withName(name)
                  .get()
                  .getMetadata()
                  .getResourceVersion())
          .as("a read that changed nothing writes nothing")
          .isEqualTo(version);
    }
    assertThat(registry.scrape())
        .contains(
            "portcullis_flows_total{action=\"reject\",attachment=\"unmanaged\",direction=\"ingress\",namespace=\"\",port=\"22\",protocol=\"tcp\",reason=\"no_ingress_rule\"} 13.0");
  }

  /** A reader of {@code group} that starts from now without a checkpoint, as the operator's. */
  private static CloudWatchFlowLogs reader(
      String group, KubernetesClient kube, String ns, String name) {
    return CloudWatchFlowLogs.of(
        REGION,
        group,
        moto.endpoint(),
        MotoServer.CREDENTIALS,
        FlowLogFormat.DEFAULT.toString(),
        System::currentTimeMillis,
        new ConfigMapCheckpoints(kube, ns, name, REGION, group));
  }

  private static FlowLogPump pump(CloudWatchFlowLogs source, PrometheusMeterRegistry registry) {
    return new FlowLogPump(
        source,
        FlowLogFixtures::estate,
        List::of,
        new FlowMeters(registry),
        () -> {},
        System::nanoTime);
  }
}
