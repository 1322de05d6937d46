package dev.portcullis.cloud.simulator;

import dev.portcullis.MovableClock;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The demo world's names, and helpers shared by the simulator's tests. */
final class Fixtures {
  private Fixtures() {}

  static final String EU = "eu-west-1";
  static final String US = "us-east-1";
  static final String VPC_A = "vpc-0a000001";
  static final String VPC_B = "vpc-0b000002";
  static final String VPC_US = "vpc-0e000001";
  static final String BASTION = "i-0a000001";
  static final String BASTION_ENI = "eni-0a000001";
  static final String WEB = "i-0a000002";
  static final String WEB_ENI = "eni-0a000002";
  static final String DB = "i-0a000003";
  static final String OTHER = "i-0b000001";
  static final String PREFIX_LIST = "pl-0c0ffee1";

  static final World DEMO = WorldLoader.loadResource("/worlds/demo.yaml");

  /** A simulator of the demo world with a fake clock and no throttling. */
  static Ec2Simulator demo(MovableClock clock) {
    return Ec2Simulator.builder()
        .world(DEMO)
        .seed(42)
        .clock(clock)
        .throttling(ThrottlingMode.OFF)
        .build();
  }

  static Ec2Simulator demo() {
    return demo(new MovableClock(Instant.parse("2030-01-01T00:00:00Z")));
  }

  static Rule tcpIn(int port, String cidr) {
    return new Rule(Direction.INGRESS, Protocol.TCP, port, port, cidr4(cidr), "");
  }

  static Rule tcpOut(int port, String cidr) {
    return new Rule(Direction.EGRESS, Protocol.TCP, port, port, cidr4(cidr), "");
  }

  static Cidr4 cidr4(String cidr) {
    return (Cidr4) Ip.parseCidr(cidr).cidr();
  }

  static SecurityGroupInfo create(Ec2Simulator sim, String region, String vpc, String name) {
    return sim.createSecurityGroup(region, vpc, name, "group " + name, Map.of());
  }

  static SecurityGroupInfo group(Ec2Simulator sim, String region, String id) {
    return sim.describeSecurityGroups(region, GroupFilter.ids(id), null, null).items().get(0);
  }

  static String defaultGroupId(Ec2Simulator sim, String region, String vpc) {
    List<SecurityGroupInfo> found =
        sim.describeAllSecurityGroups(region, new GroupFilter(null, List.of("default"), vpc, null));
    return found.get(0).groupId();
  }

  /** The rules of a group, in canonical form. */
  static List<Rule> rules(Ec2Simulator sim, String region, String id) {
    return group(sim, region, id).rules().stream().map(o -> o.rule()).toList();
  }

  /** Runs a call that must fail with a CloudException, and returns the exception. */
  static CloudException failure(Runnable call) {
    try {
      call.run();
    } catch (CloudException e) {
      return e;
    }
    throw new AssertionError("expected the call to fail with a CloudException");
  }
}
