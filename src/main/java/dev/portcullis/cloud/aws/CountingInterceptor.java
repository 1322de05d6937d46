package dev.portcullis.cloud.aws;

import dev.portcullis.cloud.CallCounters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;

/**
 * Counts every request an {@code Ec2Client} sends, by operation and outcome, each attempt of the
 * SDK's retries on its own: {@link CallCounters#SUCCESS}, EC2's error code from the answer ({@code
 * RequestLimitExceeded}, ...), {@code HTTP<status>} for an error answer without one, or {@value
 * #NO_ANSWER} for a request that got no answer (connection refused or reset, timeout). It sits in
 * the SDK's pipeline, so it also sees the requests the port does not name (the rule describes
 * behind a group describe, each page of a paginated describe). Each request is counted with how
 * long it took, from when it was sent until its answer (or its failure) came.
 */
final class CountingInterceptor implements ExecutionInterceptor {
  /** The outcome of a request that got no answer from EC2. */
  static final String NO_ANSWER = "ClientError";

  /** Requests sent and answers counted in one execution: the difference got no answer. */
  private static final ExecutionAttribute<int[]> SENT_AND_ANSWERED =
      new ExecutionAttribute<>("portcullis.sentAndAnswered");

  /** When the last request of the execution was sent ({@link System#nanoTime}). */
  private static final ExecutionAttribute<long[]> SENT_AT =
      new ExecutionAttribute<>("portcullis.sentAt");

  /** EC2's error document: {@code <Response><Errors><Error><Code>...}. */
  private static final Pattern CODE = Pattern.compile("<Code>([^<]{1,200})</Code>");

  private final CallCounters counters;

  CountingInterceptor(CallCounters counters) {
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
    int[] n = attrs.getAttribute(SENT_AND_ANSWERED);
    if (n == null) {
      n = new int[2];
      attrs.putAttribute(SENT_AND_ANSWERED, n);
    }
    n[0]++;
    attrs.putAttribute(SENT_AT, new long[] {System.nanoTime()});
  }

  /** How long the last request of the execution has been under way. */
  private static long took(ExecutionAttributes attrs) {
    long[] at = attrs.getAttribute(SENT_AT);
    return at == null ? 0 : System.nanoTime() - at[0];
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attrs) {
    int[] n = attrs.getAttribute(SENT_AND_ANSWERED);
    if (n != null) {
      n[1]++;
    }
    int status = context.httpResponse().statusCode();
    Optional<InputStream> body = context.responseBody();
    if (status / 100 == 2) {
      counters.record(region(attrs), operation(attrs), CallCounters.SUCCESS, took(attrs));
      return body;
    }
    // An error document is small: read it for its code and hand the SDK a copy.
    byte[] bytes;
    try {
      bytes = body.isPresent() ? body.get().readAllBytes() : new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    counters.record(
        region(attrs),
        operation(attrs),
        errorCode(status, new String(bytes, StandardCharsets.UTF_8)),
        took(attrs));
    return body.isPresent() ? Optional.of(new ByteArrayInputStream(bytes)) : body;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attrs) {
    countUnanswered(attrs);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attrs) {
    countUnanswered(attrs);
  }

  private void countUnanswered(ExecutionAttributes attrs) {
    int[] n = attrs.getAttribute(SENT_AND_ANSWERED);
    if (n == null) {
      return; // failed before anything was sent (a bad parameter the SDK refused)
    }
    for (int i = n[1]; i < n[0]; i++) {
      counters.record(region(attrs), operation(attrs), NO_ANSWER, took(attrs));
    }
    n[1] = n[0];
  }

  private static String region(ExecutionAttributes attrs) {
    Region r = attrs.getAttribute(AwsExecutionAttribute.AWS_REGION);
    return r == null ? CallCounters.UNKNOWN_REGION : r.id();
  }

  static String errorCode(int status, String body) {
    Matcher m = CODE.matcher(body);
    return m.find() ? m.group(1).strip() : "HTTP" + status;
  }

  private static String operation(ExecutionAttributes attrs) {
    String name = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    return name == null ? "Unknown" : name;
  }
}
