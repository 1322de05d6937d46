package dev.portcullis.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP port: {@code /metrics} in Prometheus' text format, and two probes for the
 * kubelet: {@code /healthz} (liveness: 200 while the operator runs, 503 once it stops) and {@code
 * /readyz} (readiness: 200 once the informers have synced, whether this replica leads or stands by,
 * 503 before that and after it stops).
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final PrometheusMeterRegistry registry;

  private MetricsServer(HttpServer server, PrometheusMeterRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /** Serves on {@code address:port} (port 0 picks a free one). */
  public static MetricsServer start(
      String address, int port, BooleanSupplier healthy, BooleanSupplier ready) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
    server.createContext(
        "/metrics",
        x -> reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext("/healthz", x -> probe(x, healthy.getAsBoolean(), "stopped\n"));
    server.createContext(
        "/readyz", x -> probe(x, healthy.getAsBoolean() && ready.getAsBoolean(), "not ready\n"));
    server.start();
    return new MetricsServer(server, registry);
  }

  private static void probe(HttpExchange x, boolean ok, String otherwise) throws IOException {
    reply(x, ok ? 200 : 503, "text/plain", ok ? "ok\n" : otherwise);
  }

  private static void reply(HttpExchange x, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    registry.close();
  }
}
