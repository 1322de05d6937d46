package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.BASTION;
import static dev.portcullis.it.OperatorRun.BASTION_ENI;
import static dev.portcullis.it.OperatorRun.EU;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.aws.MotoServer;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.engine.eval.flowlog.FlowLogFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * {@code portcullis operator --cloud aws --flow-log-group ... --flow-log-endpoint <moto>} in a
 * process of its own reads the VPC Flow Logs records put into moto's CloudWatch Logs with
 * PutLogEvents, and Prometheus, scraping it, counts exactly the flows, packets and bytes sent, by
 * attachment, action and reason.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class FlowLogEndpointIT {
  private static final String GROUP = "/vpc/flow-logs";
  private static final String STREAM = BASTION_ENI + "-all";
  private static final String BASTION_IP = "10.0.1.10";

  @TempDir Path tmp;

  @Test
  void theOperatorReadsFlowLogsFromTheEndpointGivenAndPrometheusCountsThemByReason()
      throws Exception {
    OperatorRun run = new OperatorRun("flow-endpoint", OperatorRun.demoSimulator());
    int metricsPort = PrometheusServer.freePort();
    try (MotoServer moto = MotoServer.start();
        CloudWatchLogsClient logs =
            CloudWatchLogsClient.builder()
                .region(Region.of(EU))
                .endpointOverride(moto.endpoint())
                .credentialsProvider(MotoServer.CREDENTIALS)
                .build();
        Ec2Endpoint ec2 = Ec2OutageIT.serve(run.sim, 0)) {
      logs.createLogGroup(r -> r.logGroupName(GROUP));
      logs.createLogStream(r -> r.logGroupName(GROUP).logStreamName(STREAM));
      try (OperatorProcess operator =
              OperatorProcess.start(
                  run.cluster,
                  tmp,
                  "operator",
                  run.ns,
                  ec2.uri(),
                  "--metrics-port",
                  Integer.toString(metricsPort),
                  "--flow-log-group",
                  GROUP,
                  "--flow-log-region",
                  EU,
                  "--flow-log-endpoint",
                  moto.endpoint().toString(),
                  "--flow-logs-interval",
                  "PT1S");
          PrometheusServer prom =
              PrometheusServer.start(tmp, "127.0.0.1:" + metricsPort, List.of())) {
        run.apply(
            SecurityGroup.class,
            SecurityGroupIT.sg(
                "app", "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/16}]\n"));
        run.awaitCondition(SecurityGroup.class, "app", "Ready", "True");
        run.apply(
            SecurityGroupAttachment.class,
            AttachmentIT.attachment("app-tier", "[app]", "{ids: [" + BASTION + "]}"));
        run.awaitCondition(SecurityGroupAttachment.class, "app-tier", "Ready", "True");
        // The operator attributes records to the attachments its informer holds: a DNS query to
        // the bastion is put until one is counted on app-tier; these (UDP) are left out below.
        String probe = FlowLogFixtures.line(BASTION_ENI, "192.0.2.9", BASTION_IP, 53, 17, "REJECT");
        await()
            .atMost(60, SECONDS)
            .pollInterval(1, SECONDS)
            .alias("a record counted on app-tier (operator log in " + tmp + ")")
            .until(
                () -> {
                  put(logs, List.of(probe));
                  return !prom.query("portcullis_flows_total{attachment=\"app-tier\"}").isEmpty();
                });

        List<String> lines = new ArrayList<>();
        lines.addAll(line(5, "192.0.2.9", 3389, "REJECT")); // no rule of app lets RDP in
        lines.addAll(line(4, "10.0.5.5", 22, "ACCEPT"));
        lines.addAll(line(3, "10.0.5.5", 22, "REJECT")); // app lets it in: not a security group
        lines.add("not a flow log record");
        put(logs, lines);
        String owner = run.ns + " app-tier ";
        Map<String, Double> flows =
            Map.of(
                owner + "reject no_ingress_rule", 5.0,
                owner + "reject not_security_group", 3.0,
                owner + "accept allowed", 4.0);
        awaitCounts(prom, "portcullis_flows_total", flows);
        // each record carries 3 packets of 180 bytes
        awaitCounts(prom, "portcullis_flow_packets_total", times(flows, 3));
        awaitCounts(prom, "portcullis_flow_bytes_total", times(flows, 180));
        assertThat(prom.query("sum(portcullis_flow_records_skipped_total{reason=\"malformed\"})"))
            .singleElement()
            .extracting(PrometheusServer.Sample::value)
            .isEqualTo(1.0);
        // the reads that follow, each from five minutes before the newest record, count none again
        await()
            .during(3, SECONDS)
            .atMost(6, SECONDS)
            .pollInterval(500, MILLISECONDS)
            .alias("each record counted once")
            .until(() -> counts(prom, "portcullis_flows_total").equals(flows));
        assertThat(operator.alive()).as("the operator runs").isTrue();
      }
    } finally {
      run.close();
    }
  }

  private static List<String> line(int n, String from, int port, String action) {
    return Collections.nCopies(
        n, FlowLogFixtures.line(BASTION_ENI, from, BASTION_IP, port, 6, action));
  }

  private static void put(CloudWatchLogsClient logs, List<String> lines) {
    long now = System.currentTimeMillis();
    List<InputLogEvent> events = new ArrayList<>();
    for (String l : lines) {
      events.add(InputLogEvent.builder().timestamp(now).message(l).build());
    }
    logs.putLogEvents(r -> r.logGroupName(GROUP).logStreamName(STREAM).logEvents(events));
  }

  private static Map<String, Double> times(Map<String, Double> counts, double factor) {
    Map<String, Double> out = new LinkedHashMap<>();
    counts.forEach((k, v) -> out.put(k, v * factor));
    return out;
  }

  /**
   * {@code counter}'s TCP series (the probes are UDP), summed by namespace, attachment, action,
   * reason.
   */
  private static Map<String, Double> counts(PrometheusServer prom, String counter) {
    Map<String, Double> counts = new LinkedHashMap<>();
    for (PrometheusServer.Sample s :
        prom.query(
            "sum by (namespace, attachment, action, reason) (" + counter + "{protocol=\"tcp\"})")) {
      counts.put(
          s.labels().get("namespace")
              + " "
              + s.labels().get("attachment")
              + " "
              + s.labels().get("action")
              + " "
              + s.labels().get("reason"),
          s.value());
    }
    return counts;
  }

  private static void awaitCounts(
      PrometheusServer prom, String counter, Map<String, Double> expected) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .untilAsserted(() -> assertThat(counts(prom, counter)).as(counter).isEqualTo(expected));
  }
}
