package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.CloudPortContract;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The port's contract on {@link AwsCloud} (the AWS SDK for Java v2) against the simulator's EC2
 * endpoint on 127.0.0.1, in the demo world. The endpoint follows EC2's documented behaviour, so
 * every case must pass, including those that moto is known to get wrong.
 */
class AwsCloudOnEndpointIT extends CloudPortContract {
  private static final String REGION = "eu-west-1";

  private static Ec2Simulator sim;
  private static Ec2Endpoint endpoint;
  private static AwsCloud cloud;

  @BeforeAll
  static void startEndpoint() throws Exception {
    sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .seed(7)
            .throttling(ThrottlingMode.OFF)
            .build();
    endpoint =
        Ec2Endpoint.start(
            sim,
            new InetSocketAddress("127.0.0.1", 0),
            Ec2QueryService.Settings.open().withRegions(sim.world().regions().keySet()),
            false);
    cloud =
        new AwsCloud(
            endpoint.uri(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")),
            1);
  }

  @AfterAll
  static void stopEndpoint() {
    if (cloud != null) {
      cloud.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Override
  protected CloudPort port() {
    return cloud;
  }

  @Override
  protected Fixture fixture() {
    return new Fixture(
        REGION, "vpc-0a000001", "i-0a000001", "role", "bastion", "i-0a000003", "pl-0c0ffee1", 10);
  }

  @Test
  void theEndpointAndTheSimulatorShareOneState() {
    SecurityGroupInfo g =
        cloud.createSecurityGroup(
            REGION, "vpc-0a000001", uniqueName("shared"), "made over the wire", Map.of("k", "v"));
    assertThat(sim.describeSecurityGroups(REGION, GroupFilter.ids(g.groupId()), null, null).items())
        .singleElement()
        .satisfies(s -> assertThat(s.tags()).containsEntry("k", "v"));
    sim.deleteSecurityGroup(REGION, g.groupId());
    assertThat(
            cloud.describeAllSecurityGroups(
                REGION, new GroupFilter(null, null, "vpc-0a000001", Map.of("k", "v"))))
        .isEmpty();
  }

  @Test
  void everyRequestIsCountedOnBothSides() {
    long before = sim.calls().count("CreateSecurityGroup", "Success");
    long sentBefore = cloud.calls().count("CreateSecurityGroup", "Success");
    cloud.createSecurityGroup(REGION, "vpc-0a000001", uniqueName("counted"), "counted", Map.of());
    assertThat(sim.calls().count("CreateSecurityGroup", "Success") - before).isEqualTo(1);
    assertThat(cloud.calls().count("CreateSecurityGroup", "Success") - sentBefore).isEqualTo(1);
  }
}
