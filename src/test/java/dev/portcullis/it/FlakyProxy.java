package dev.portcullis.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of an EC2 endpoint that fails a share of the requests the
 * way a bad minute of EC2 does: an HTTP 500 {@code InternalError} in EC2's error document, or a
 * connection reset (TCP RST), either before the request reaches EC2 or after EC2 has carried it
 * out, so that its answer is lost. Requests it lets through are forwarded unchanged over a
 * connection of their own to the endpoint, and answered with what it answers.
 *
 * <p>It reads one request at a time per connection (keep-alive included) with a {@code
 * Content-Length} body, as the AWS SDK sends them, and answers {@code Expect: 100-continue} itself.
 */
final class FlakyProxy implements AutoCloseable {
  /** How a failed request fails. */
  enum Fault {
    /** HTTP 500 with EC2's {@code InternalError}; EC2 did nothing. */
    SERVER_ERROR,
    /** The connection is reset before the request is forwarded; EC2 never saw it. */
    RESET_BEFORE,
    /** The request is carried out, then the connection is reset: its answer is lost. */
    RESET_AFTER
  }

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final ExecutorService connections;
  private final SplittableRandom random;
  private final Map<Fault, AtomicLong> faults = new EnumMap<>(Fault.class);
  private final AtomicLong forwarded = new AtomicLong();
  private volatile double failureRate;

  private FlakyProxy(ServerSocket server, URI upstream, long seed) {
    this.server = server;
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.random = new SplittableRandom(seed);
    for (Fault f : Fault.values()) {
      faults.put(f, new AtomicLong());
    }
    this.connections =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "flaky-proxy");
              t.setDaemon(true);
              return t;
            });
  }

  /** A proxy to {@code upstream} (an {@code http://host:port} URL) that fails nothing yet. */
  static FlakyProxy start(URI upstream, long seed) throws IOException {
    ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    FlakyProxy proxy = new FlakyProxy(server, upstream, seed);
    proxy.connections.execute(proxy::acceptLoop);
    return proxy;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /**
   * From now on each request fails with probability {@code rate}: half of the failures as HTTP 500,
   * a quarter reset before and a quarter reset after EC2 carried the request out.
   */
  void failing(double rate) {
    this.failureRate = rate;
  }

  /** How many requests failed so far with {@code fault}. */
  long count(Fault fault) {
    return faults.get(fault).get();
  }

  /** How many requests were carried to the endpoint (those reset after it included). */
  long forwarded() {
    return forwarded.get();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
    connections.shutdownNow();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private Fault draw() {
    synchronized (random) {
      double p = random.nextDouble();
      double rate = failureRate;
      if (p >= rate) {
        return null;
      }
      double share = p / rate;
      return share < 0.5
          ? Fault.SERVER_ERROR
          : share < 0.75 ? Fault.RESET_BEFORE : Fault.RESET_AFTER;
    }
  }

  private void serve(Socket client) {
    Socket ec2 = null;
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      while (true) {
        Message request = Message.read(in, out);
        if (request == null) {
          return; // the client closed its connection
        }
        Fault fault = draw();
        if (fault != null) {
          faults.get(fault).incrementAndGet();
        }
        if (fault == Fault.RESET_BEFORE) {
          reset(client);
          return;
        }
        if (fault == Fault.SERVER_ERROR) {
          out.write(internalError());
          out.flush();
          continue;
        }
        if (ec2 == null || ec2.isClosed()) {
          ec2 = new Socket(upstream.getAddress(), upstream.getPort());
        }
        ec2.getOutputStream().write(request.bytes());
        ec2.getOutputStream().flush();
        Message answer = Message.read(ec2.getInputStream(), null);
        forwarded.incrementAndGet();
        if (answer == null) {
          return; // the endpoint went away: so does the client's connection
        }
        if (fault == Fault.RESET_AFTER) {
          reset(client);
          return;
        }
        out.write(answer.bytes());
        out.flush();
        if (answer.closes()) {
          return;
        }
      }
    } catch (IOException e) {
      // the client or the endpoint went away: the connection ends
    } finally {
      if (ec2 != null) {
        try {
          ec2.close();
        } catch (IOException e) {
          // closing
        }
      }
    }
  }

  /** Closes with a TCP RST instead of a FIN: what a client sees as "connection reset". */
  private static void reset(Socket s) throws SocketException {
    s.setSoLinger(true, 0);
  }

  private static byte[] internalError() {
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>InternalError"
            + "</Code><Message>An internal error has occurred</Message></Error></Errors>"
            + "<RequestID>00000000-0000-0000-0000-000000000500</RequestID></Response>";
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml;charset=UTF-8\r\n"
            + "Content-Length: "
            + b.length
            + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(b);
    return out.toByteArray();
  }

  /** One HTTP/1.1 request or response, head and body, as bytes to pass on. */
  private record Message(byte[] bytes, boolean closes) {
    /**
     * Reads a message with a {@code Content-Length} body (or none); null at the end of the stream
     * before a message starts. {@code continueTo}, when given, receives the {@code 100 Continue} a
     * request that expects one waits for; the header is then left out of what is passed on.
     */
    static Message read(InputStream in, OutputStream continueTo) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (head.size() == 0) {
            return null;
          }
          throw new IOException("the stream ended inside a message head");
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String text = head.toString(StandardCharsets.US_ASCII);
      StringBuilder kept = new StringBuilder();
      int length = 0;
      boolean closes = false;
      boolean expects = false;
      for (String line : text.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          closes = true;
        } else if (lower.startsWith("transfer-encoding:")) {
          throw new IOException("chunked bodies are not served: " + line);
        } else if (lower.startsWith("expect:") && lower.contains("100-continue")) {
          expects = true;
          continue;
        }
        if (!line.isEmpty()) {
          kept.append(line).append("\r\n");
        }
      }
      kept.append("\r\n");
      if (expects && continueTo != null) {
        continueTo.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        continueTo.flush();
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        throw new IOException("the stream ended inside a message body");
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(kept.toString().getBytes(StandardCharsets.US_ASCII));
      all.writeBytes(body);
      return new Message(all.toByteArray(), closes);
    }
  }
}
