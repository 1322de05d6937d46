package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Debian's Prometheus, on 127.0.0.1 and a free port with its data in a temporary folder, scraping
 * one target every second and evaluating the given rule files every second; queried through its
 * HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final URI uri;
  private final HttpClient http = HttpClient.newHttpClient();

  /** One series of a query's answer: its labels and value. */
  record Sample(Map<String, String> labels, double value) {}

  private PrometheusServer(Process process, Path log, URI uri) {
    this.process = process;
    this.log = log;
    this.uri = uri;
  }

  /** Starts Prometheus scraping {@code target} (host:port) as job {@code portcullis}. */
  static PrometheusServer start(Path dir, String target, List<Path> ruleFiles) throws IOException {
    StringBuilder config =
        new StringBuilder(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n");
    config.append("rule_files:\n");
    for (Path f : ruleFiles) {
      config.append("  - '").append(f.toAbsolutePath()).append("'\n");
    }
    config
        .append("scrape_configs:\n  - job_name: portcullis\n    static_configs:\n")
        .append("      - targets: ['")
        .append(target)
        .append("']\n");
    Path file = Files.writeString(dir.resolve("prometheus.yml"), config.toString());
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                Monitoring.binary("prometheus").toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(p, log, URI.create("http://127.0.0.1:" + port));
    try {
      await()
          .atMost(60, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .ignoreExceptions()
          .alias("Prometheus ready on port " + port)
          .until(() -> server.get("/-/ready").statusCode() == 200);
    } catch (RuntimeException e) {
      String out = server.log();
      server.close();
      throw new IllegalStateException("Prometheus did not start:\n" + out, e);
    }
    return server;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(uri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private JsonNode api(String pathAndQuery) {
    try {
      HttpResponse<String> r = get(pathAndQuery);
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The instant answer to a PromQL query; throws with Prometheus' message if it is invalid. */
  List<Sample> query(String promql) {
    JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    List<Sample> samples = new ArrayList<>();
    for (JsonNode r : data.path("result")) {
      Map<String, String> labels = new TreeMap<>();
      r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      samples.add(new Sample(labels, Double.parseDouble(r.path("value").get(1).asText())));
    }
    if ("scalar".equals(data.path("resultType").asText())) {
      samples.add(new Sample(Map.of(), Double.parseDouble(data.path("result").get(1).asText())));
    }
    return samples;
  }

  /** The alerts that are firing now: each one's labels. */
  List<Map<String, String>> firingAlerts() {
    List<Map<String, String>> firing = new ArrayList<>();
    for (JsonNode a : api("/api/v1/alerts").path("alerts")) {
      if ("firing".equals(a.path("state").asText())) {
        Map<String, String> labels = new TreeMap<>();
        a.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        firing.add(labels);
      }
    }
    return firing;
  }

  /** The health of the scrape target, as Prometheus last saw it ("up", "down", "unknown"). */
  String targetHealth() {
    JsonNode active = api("/api/v1/targets").path("activeTargets");
    return active.isEmpty() ? "none" : active.get(0).path("health").asText();
  }

  /** The last error of the rule groups' evaluations, if any. */
  List<String> ruleErrors() {
    List<String> errors = new ArrayList<>();
    for (JsonNode g : api("/api/v1/rules").path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (!r.path("lastError").asText().isEmpty()) {
          errors.add(r.path("name").asText() + ": " + r.path("lastError").asText());
        }
      }
    }
    return errors;
  }

  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
