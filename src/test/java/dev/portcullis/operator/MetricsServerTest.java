package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPrometheusTextAndAHealthThatFollowsTheOperator() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, running::get, running::get)) {
      server.registry().counter("portcullis_probe_total").increment();
      HttpResponse<String> metrics = get(server.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("jvm_memory_used_bytes")
          .contains("portcullis_probe_total 1.0");
      assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(200);
      running.set(false);
      assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void readinessWaitsForTheInformersAndEndsWithTheOperator() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean synced = new AtomicBoolean(false);
    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, running::get, synced::get)) {
      HttpResponse<String> before = get(server.port(), "/readyz");
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(before.body()).isEqualTo("not ready\n");
      assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(200);
      synced.set(true);
      HttpResponse<String> after = get(server.port(), "/readyz");
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).isEqualTo("ok\n");
      running.set(false);
      assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(503);
    }
  }
}
