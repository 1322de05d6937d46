package dev.portcullis.cloud.simulator.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulator as an EC2 endpoint: EC2's Query API over HTTP, so that any EC2 client (the AWS CLI,
 * boto3, the AWS SDKs, Portcullis's own AWS adapter) can be pointed at it with {@code
 * --endpoint-url} or an endpoint override. It serves {@link Ec2QueryService} with the JDK's HTTP
 * server on every path, and listens on a loopback address unless told otherwise: the simulator's
 * state is anyone's to change who can reach the port.
 */
public final class Ec2Endpoint implements AutoCloseable {
  private static final int THREADS = 4;

  static {
    // The JDK's server sends an answer's headers and body in two writes; with Nagle's algorithm on
    // the second waits for the client's delayed ACK, some 40 ms a request (160 requests a second
    // from 8 SDK threads, against 1,800 without). The property is read once, when the JVM's first
    // HTTP server is made; a value given on the command line wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Ec2QueryService service;

  private Ec2Endpoint(HttpServer server, ExecutorService executor, Ec2QueryService service) {
    this.server = server;
    this.executor = executor;
    this.service = service;
  }

  /**
   * Starts an endpoint for {@code sim}.
   *
   * @param address where to listen; port 0 picks a free one
   * @param allowNonLoopback whether an address other than a loopback one is allowed
   * @throws IllegalArgumentException for a non-loopback address without {@code allowNonLoopback}
   */
  public static Ec2Endpoint start(
      Ec2Simulator sim,
      InetSocketAddress address,
      Ec2QueryService.Settings settings,
      boolean allowNonLoopback)
      throws IOException {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve " + address.getHostString());
    }
    if (!allowNonLoopback && !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          address.getAddress().getHostAddress()
              + " is not a loopback address: anyone who reaches it could change the simulator;"
              + " listen on 127.0.0.1, or allow other addresses explicitly");
    }
    Ec2QueryService service = new Ec2QueryService(sim, settings);
    HttpServer server = HttpServer.create(address, 64);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "ec2-endpoint-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    Ec2Endpoint endpoint = new Ec2Endpoint(server, executor, service);
    server.createContext("/", endpoint::handle);
    server.start();
    return endpoint;
  }

  /**
   * Parses {@code host:port} ({@code [::1]:port} for IPv6) into an address to listen on.
   *
   * @throws IllegalArgumentException when it is not of that form
   */
  public static InetSocketAddress parseAddress(String text) {
    int colon = text == null ? -1 : text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not host:port, such as 127.0.0.1:4566");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" has no port number", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(port + " is not a port (0 to 65535)");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
  }

  /**
   * The AWS CLI command that lists the groups of {@code region} through the endpoint at {@code
   * uri}; any key signs (the CLI needs one), and the region of the signature chooses the region.
   */
  public static String exampleCommand(URI uri, String region) {
    return "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws ec2 describe-security-groups"
        + " --endpoint-url "
        + uri
        + " --region "
        + region;
  }

  /** The URL clients use: {@code http://127.0.0.1:PORT}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public Ec2QueryService service() {
    return service;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Ec2QueryService.Response response;
      byte[] body = readAtMost(exchange.getRequestBody(), service.settings().maxBodyBytes());
      if (body == null) {
        response = service.tooLarge();
        exchange.getResponseHeaders().add("Connection", "close");
      } else {
        response =
            service.answer(
                exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                body);
      }
      byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
      exchange.getResponseHeaders().add("Server", "AmazonEC2");
      exchange.sendResponseHeaders(response.status(), out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  /** The body, or null when it is longer than {@code max} bytes (the rest is not read). */
  private static byte[] readAtMost(InputStream in, int max) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      if (buf.size() + n > max) {
        return null;
      }
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }
}
