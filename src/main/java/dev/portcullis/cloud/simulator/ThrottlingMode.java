package dev.portcullis.cloud.simulator;

/** Whether and how the simulator throttles requests; see {@link Throttling}. */
public enum ThrottlingMode {
  /** EC2's published bucket sizes and refill rates (the default). */
  EC2,
  /** EC2's buckets with capacity and refill rate multiplied by a factor. */
  SCALED,
  /** Never throttle. */
  OFF
}
