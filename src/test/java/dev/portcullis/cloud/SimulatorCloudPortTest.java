package dev.portcullis.cloud;

import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;

/** The port's contract on the simulator, in the demo world: every case must pass. */
class SimulatorCloudPortTest extends CloudPortContract {
  private final Ec2Simulator sim =
      Ec2Simulator.builder()
          .world(WorldLoader.loadResource("/worlds/demo.yaml"))
          .seed(7)
          .throttling(ThrottlingMode.OFF)
          .build();

  @Override
  protected CloudPort port() {
    return sim;
  }

  @Override
  protected Fixture fixture() {
    // the bastion and the database: one interface each, in the demo's first VPC
    return new Fixture(
        "eu-west-1",
        "vpc-0a000001",
        "i-0a000001",
        "role",
        "bastion",
        "i-0a000003",
        "pl-0c0ffee1",
        10);
  }
}
