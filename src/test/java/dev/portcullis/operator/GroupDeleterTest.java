package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.ForwardingCloud;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.NetworkInterfaceInfo;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.sync.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a deletion that EC2 refuses says about what still uses the group. */
class GroupDeleterTest {
  static final String EU = "eu-west-1";
  static final String VPC = "vpc-0a000001";

  final Ec2Simulator sim = DemoWorld.unthrottled();
  final Retry retry = new Retry(1, 1, 1, ms -> {}, 1);

  @Test
  void anInterfaceOfAnotherServiceIsNamedWithItsTypeAndDescription() {
    SecurityGroupInfo group = sim.createSecurityGroup(EU, VPC, "lb", "load balancer", Map.of());
    InstanceInfo instance = sim.describeAllInstances(EU, new InstanceFilter(null, null)).get(0);
    String instanceId = instance.instanceId();
    String instanceEni = instance.interfaces().get(0).interfaceId();
    sim.setInterfaceGroups(EU, instanceEni, List.of(group.groupId()));
    List<String> calls = new ArrayList<>();
    ForwardingCloud ec2 =
        new ForwardingCloud(sim) {
          @Override
          public void deleteSecurityGroup(String region, String groupId) {
            // EC2's refusal while another service's interface holds the group (the simulator
            // holds none)
            throw new CloudException(
                "DependencyViolation", CloudException.Kind.CONFLICT, "resource has a dependent");
          }

          @Override
          public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
              String region, String groupId, String nextToken, Integer maxResults) {
            calls.add("DescribeNetworkInterfaces " + groupId);
            Page<NetworkInterfaceInfo> own =
                super.describeNetworkInterfaces(region, groupId, nextToken, maxResults);
            List<NetworkInterfaceInfo> all = new ArrayList<>(own.items());
            all.add(
                new NetworkInterfaceInfo(
                    "eni-0feed000000000001",
                    null,
                    "network_load_balancer",
                    "ELB net/web/50dc6c495c0c9188",
                    List.of(groupId)));
            return new Page<>(all, own.nextToken());
          }

          @Override
          public Page<InstanceInfo> describeInstances(
              String region, InstanceFilter filter, String nextToken, Integer maxResults) {
            calls.add("DescribeInstances");
            return super.describeInstances(region, filter, nextToken, maxResults);
          }
        };

    Optional<String> why = new GroupDeleter(ec2, retry).delete(EU, group);

    assertThat(why)
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .startsWith(group.groupId() + " cannot be deleted yet: network interfaces")
                    .contains(instanceEni + " of instance " + instanceId)
                    .contains(
                        "eni-0feed000000000001 (network_load_balancer: ELB net/web/50dc6c495c0c9188,"
                            + " attached to no instance)"));
    assertThat(calls)
        .as("one filtered call, not every instance of the region")
        .containsExactly("DescribeNetworkInterfaces " + group.groupId());
  }
}
