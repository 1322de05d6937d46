package dev.portcullis.cloud.aws;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How the adapter reports EC2's errors, against a stub that answers every request with one EC2
 * error document on 127.0.0.1, and counts the requests: the SDK retries what is passing, within its
 * bound, and nothing else.
 */
class AwsCloudErrorsTest {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  /** Attempts per request in these tests: one retry keeps them quick. */
  private static final int ATTEMPTS = 2;

  private AwsCloud answering(int status, String code) throws IOException {
    return answering(status, code, 0);
  }

  /** As {@link #answering(int, String)}, each answer {@code delayMillis} late. */
  private AwsCloud answering(int status, String code, long delayMillis) throws IOException {
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
          if (delayMillis > 0) {
            try {
              Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.getResponseHeaders().add("Content-Type", "text/xml");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return new AwsCloud(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), CREDENTIALS, ATTEMPTS);
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
  void throttlingIsRetriedByTheSdkWithinItsBoundThenReported() throws IOException {
    AwsCloud cloud = answering(503, "RequestLimitExceeded");
    CloudException e = describeFails(cloud);
    assertThat(e.code()).isEqualTo("RequestLimitExceeded");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.THROTTLED);
    assertThat(e.getMessage()).contains("stub says RequestLimitExceeded");
    assertThat(requests.get()).as("requests sent: the first and one retry").isEqualTo(ATTEMPTS);
    assertThat(cloud.calls().count("DescribeSecurityGroups", "RequestLimitExceeded"))
        .as("every attempt counted with its code")
        .isEqualTo(ATTEMPTS);
  }

  @Test
  void eachAttemptIsTimedFromSendingToItsAnswer() throws IOException {
    AwsCloud cloud = answering(503, "RequestLimitExceeded", 150);
    List<Long> took = new ArrayList<>();
    cloud.calls().onDuration((region, operation, nanos) -> took.add(nanos));
    describeFails(cloud);
    assertThat(took)
        .hasSize(ATTEMPTS)
        .allSatisfy(n -> assertThat(n).isBetween(150_000_000L, 10_000_000_000L));
  }

  @Test
  void everyRequestIsCountedByOperationAndOutcome() throws IOException {
    AwsCloud cloud = answering(400, "InvalidGroup.NotFound");
    describeFails(cloud);
    catchThrowableOfType(
        CloudException.class, () -> cloud.deleteSecurityGroup("us-east-1", "sg-0123456789abcdef0"));
    assertThat(cloud.calls().snapshot())
        .containsExactly(
            Map.entry("DeleteSecurityGroup", Map.of("InvalidGroup.NotFound", 1L)),
            Map.entry("DescribeSecurityGroups", Map.of("InvalidGroup.NotFound", 1L)));
    assertThat(cloud.calls().total()).isEqualTo(requests.get());
    List<CallCounters.Series> series = new ArrayList<>();
    cloud.calls().onSeries(series::add);
    assertThat(series)
        .extracting(x -> x.region() + " " + x.operation() + " " + x.outcome() + " " + x.calls())
        .containsExactlyInAnyOrder(
            "us-east-1 DeleteSecurityGroup InvalidGroup.NotFound 1",
            "eu-west-1 DescribeSecurityGroups InvalidGroup.NotFound 1");
  }

  @Test
  void anAuthorizationThatTookEffectIsNotReportedAsFailedWhenItsRuleIdsCannotBeRead()
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String request = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
          byte[] body;
          int status;
          if (request.contains("Action=AuthorizeSecurityGroupIngress")) {
            // success, but without the rules' ids (as moto answers a batch)
            status = 200;
            body =
                ("<AuthorizeSecurityGroupIngressResponse xmlns=\"http://ec2.amazonaws.com/doc/"
                        + "2016-11-15/\"><requestId>r-2</requestId><return>true</return>"
                        + "<securityGroupRuleSet/></AuthorizeSecurityGroupIngressResponse>")
                    .getBytes(UTF_8);
          } else {
            status = 500;
            body =
                ("<Response><Errors><Error><Code>InternalError</Code><Message>busy</Message>"
                        + "</Error></Errors><RequestID>r-3</RequestID></Response>")
                    .getBytes(UTF_8);
          }
          exchange.getResponseHeaders().add("Content-Type", "text/xml");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try (AwsCloud cloud =
        new AwsCloud(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()), CREDENTIALS, 1)) {
      Rule ssh =
          new Rule(
              Direction.INGRESS, Protocol.TCP, 22, 22, Ip.parseCidr("192.0.2.10/32").cidr(), null);
      assertThat(
              cloud.authorize("eu-west-1", "sg-0123456789abcdef0", Direction.INGRESS, List.of(ssh)))
          .as("no id learnt, and no failure: the rule was added")
          .isEmpty();
      assertThat(cloud.calls().count("AuthorizeSecurityGroupIngress", CallCounters.SUCCESS))
          .isEqualTo(1);
      assertThat(cloud.calls().count("DescribeSecurityGroupRules", "InternalError")).isEqualTo(1);
    }
  }

  @Test
  void anErrorWithoutACodeIsCountedByItsStatus() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(502, -1);
          exchange.close();
        });
    server.start();
    AwsCloud cloud =
        new AwsCloud(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()), CREDENTIALS, 1);
    CloudException e = describeFails(cloud);
    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
    assertThat(cloud.calls().count("DescribeSecurityGroups", "HTTP502")).isEqualTo(1);
  }

  @Test
  void aServerErrorIsTransientAndRetriedByTheSdkWithinItsBound() throws IOException {
    CloudException e = describeFails(answering(500, "InternalError"));
    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
    assertThat(e.retryable()).isTrue();
    assertThat(requests.get()).isEqualTo(ATTEMPTS);
  }

  @Test
  void aMissingPermissionIsUnauthorizedAndNotRetried() throws IOException {
    CloudException e = describeFails(answering(403, "UnauthorizedOperation"));
    assertThat(e.code()).isEqualTo("UnauthorizedOperation");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.UNAUTHORIZED);
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void aBadParameterIsInvalidAndNotRetried() throws IOException {
    CloudException e = describeFails(answering(400, "InvalidParameterValue"));
    assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID);
    assertThat(e.getMessage()).contains("stub says InvalidParameterValue");
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void attemptsMustBeAtLeastOne() {
    assertThatThrownBy(() -> new AwsCloud(null, CREDENTIALS, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void noAnswerIsTransient() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    AwsCloud cloud =
        new AwsCloud(URI.create("http://127.0.0.1:" + closedPort), CREDENTIALS, ATTEMPTS);
    CloudException e = describeFails(cloud);
    assertThat(e.code()).isEqualTo("ClientError");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
    assertThat(cloud.calls().count("DescribeSecurityGroups", CountingInterceptor.NO_ANSWER))
        .as("each attempt, retried by the SDK")
        .isEqualTo(ATTEMPTS);
  }
}
