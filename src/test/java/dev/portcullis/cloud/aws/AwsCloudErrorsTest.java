package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.GroupFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How the adapter reports EC2's errors, against a stub that answers every request with one EC2
 * error document on 127.0.0.1, and counts the requests: the SDK must not retry on its own.
 */
class AwsCloudErrorsTest {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  private AwsCloud answering(int status, String code) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"
                + code
                + "</Code><Message>stub says "
                + code
                + "</Message></Error></Errors><RequestID>r-1</RequestID></Response>")
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "text/xml");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return new AwsCloud(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), CREDENTIALS);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static CloudException describeFails(AwsCloud cloud) {
    try (cloud) {
      return catchThrowableOfType(
          CloudException.class,
          () -> cloud.describeSecurityGroups("eu-west-1", GroupFilter.all(), null, null));
    }
  }

  @Test
  void throttlingIsReportedAfterOneRequest() throws IOException {
    CloudException e = describeFails(answering(503, "RequestLimitExceeded"));
    assertThat(e.code()).isEqualTo("RequestLimitExceeded");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.THROTTLED);
    assertThat(e.getMessage()).contains("stub says RequestLimitExceeded");
    assertThat(requests.get()).as("requests sent: the SDK must not retry").isEqualTo(1);
  }

  @Test
  void aServerErrorIsTransientAndNotRetriedBelowThePort() throws IOException {
    CloudException e = describeFails(answering(500, "InternalError"));
    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
    assertThat(e.retryable()).isTrue();
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void aMissingPermissionIsUnauthorized() throws IOException {
    CloudException e = describeFails(answering(403, "UnauthorizedOperation"));
    assertThat(e.code()).isEqualTo("UnauthorizedOperation");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.UNAUTHORIZED);
  }

  @Test
  void noAnswerIsTransient() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    AwsCloud cloud = new AwsCloud(URI.create("http://127.0.0.1:" + closedPort), CREDENTIALS);
    CloudException e = describeFails(cloud);
    assertThat(e.code()).isEqualTo("ClientError");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
  }
}
