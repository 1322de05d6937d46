package dev.portcullis.cloud.simulator;

/** For tests outside the simulator's package: the simulator they most often start from. */
public final class DemoWorld {
  private DemoWorld() {}

  /** A simulator of the demo world ({@code worlds/demo.yaml}) without throttling. */
  public static Ec2Simulator unthrottled() {
    return Ec2Simulator.builder()
        .world(WorldLoader.loadResource("/worlds/demo.yaml"))
        .throttling(ThrottlingMode.OFF)
        .build();
  }
}
