package dev.portcullis.cloud.aws;

import dev.portcullis.cloud.CallCounters;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every request an {@code Ec2Client} makes, by operation and outcome: {@link
 * CallCounters#SUCCESS}, EC2's error code, {@code HTTP<status>} for an error without one, or
 * {@value #NO_ANSWER} when no answer came (connection refused or reset, timeout). It sits in the
 * SDK's pipeline, so it sees the requests the port does not name too (the rule describes behind a
 * group describe, each page of a paginated describe).
 */
final class CountingInterceptor implements ExecutionInterceptor {
  /** The outcome of a request that got no answer from EC2. */
  static final String NO_ANSWER = "ClientError";

  private final CallCounters counters;

  CountingInterceptor(CallCounters counters) {
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    counters.record(operation(attributes), CallCounters.SUCCESS);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    counters.record(operation(attributes), outcome(context.exception()));
  }

  static String outcome(Throwable failure) {
    if (failure instanceof AwsServiceException e) {
      if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
        return e.awsErrorDetails().errorCode();
      }
      return "HTTP" + e.statusCode();
    }
    return NO_ANSWER;
  }

  private static String operation(ExecutionAttributes attributes) {
    String name = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    return name == null ? "Unknown" : name;
  }
}
