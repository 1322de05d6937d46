package dev.portcullis.cloud.simulator;

/**
 * How the simulator throttles requests: as EC2 does ({@link ThrottlingMode#EC2}, the default), with
 * every bucket's capacity and refill rate multiplied by a factor ({@link ThrottlingMode#SCALED}),
 * or not at all ({@link ThrottlingMode#OFF}).
 *
 * <p>A factor below 1 makes throttling bite sooner, to exercise a caller's backoff; above 1 it
 * stands for an account whose limits were raised.
 */
public record Throttling(ThrottlingMode mode, double factor) {

  public Throttling {
    if (mode == null) {
      throw new IllegalArgumentException("throttling mode is null");
    }
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("throttling factor " + factor + " is not positive");
    }
  }

  public static Throttling ec2() {
    return new Throttling(ThrottlingMode.EC2, 1.0);
  }

  public static Throttling scaled(double factor) {
    return new Throttling(ThrottlingMode.SCALED, factor);
  }

  public static Throttling off() {
    return new Throttling(ThrottlingMode.OFF, 1.0);
  }

  boolean enabled() {
    return mode != ThrottlingMode.OFF;
  }

  double effectiveFactor() {
    return mode == ThrottlingMode.SCALED ? factor : 1.0;
  }
}
