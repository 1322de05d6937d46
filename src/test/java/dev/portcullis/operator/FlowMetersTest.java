package dev.portcullis.operator;

import static dev.portcullis.engine.eval.flowlog.FlowLogFixtures.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.engine.eval.flowlog.FlowLogFixtures;
import dev.portcullis.engine.eval.flowlog.FlowLogFormat;
import dev.portcullis.engine.eval.flowlog.FlowLogParser;
import dev.portcullis.engine.eval.flowlog.FlowTally;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flow meters as Prometheus scrapes them, fed with tallies of flow log lines. */
class FlowMetersTest {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final FlowMeters meters = new FlowMeters(registry);

  static FlowTally tally(List<String> lines) {
    return FlowTally.of(
        lines, new FlowLogParser(FlowLogFormat.DEFAULT), FlowLogFixtures.attributor());
  }

  @Test
  void flowsPacketsAndBytesAreCountedByTheirLabels() {
    String denied = line("eni-web", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT");
    meters.add(tally(List.of(denied, denied)));
    meters.add(
        tally(List.of(denied, line("eni-bastion", "10.0.0.20", "10.0.0.10", 80, 6, "REJECT"))));
    String labels =
        "{action=\"reject\",attachment=\"web\",direction=\"ingress\",namespace=\"shop\",port=\"22\",protocol=\"tcp\",reason=\"no_ingress_rule\"}";
    assertThat(registry.scrape())
        .contains("portcullis_flows_total" + labels + " 3.0")
        .contains("portcullis_flow_packets_total" + labels + " 9.0")
        .contains("portcullis_flow_bytes_total" + labels + " 540.0")
        .contains(
            "portcullis_flows_total{action=\"reject\",attachment=\"unmanaged\",direction=\"egress\",namespace=\"\",port=\"80\",protocol=\"tcp\",reason=\"no_egress_rule\"} 1.0");
  }

  @Test
  void skippedRecordsAreCountedByReasonAndEveryReasonReadsZeroFirst() {
    assertThat(registry.scrape())
        .contains("portcullis_flow_records_skipped_total{reason=\"malformed\"} 0.0")
        .contains("portcullis_flow_records_skipped_total{reason=\"unknown_interface\"} 0.0");
    meters.add(
        tally(
            List.of(
                "not a record",
                line("eni-gone", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT"),
                line("eni-gone", "198.51.100.7", "10.0.0.10", 22, 6, "ACCEPT"))));
    assertThat(registry.scrape())
        .contains("portcullis_flow_records_skipped_total{reason=\"malformed\"} 1.0")
        .contains("portcullis_flow_records_skipped_total{reason=\"unknown_interface\"} 2.0");
  }
}
