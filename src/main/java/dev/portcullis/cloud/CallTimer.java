package dev.portcullis.cloud;

/** Follows how long something took for an EC2 action in a region: a call, or a wait before one. */
@FunctionalInterface
public interface CallTimer {
  /**
   * @param operation the action's name in the EC2 API, such as {@code DescribeSecurityGroups}
   */
  void took(String region, String operation, long nanos);
}
