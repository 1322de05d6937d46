package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.ForwardingCloud;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.NetworkInterfaceInfo;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
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
    // EC2 refuses the deletion while another service's interface holds the group; the simulator
    // has no such interfaces, so the refusal and the interface are both made up here
    ForwardingCloud ec2 =
        new ForwardingCloud(refusingDeletes(sim)) {
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
                        "eni-0feed000000000001 (type network_load_balancer,"
                            + " \"ELB net/web/50dc6c495c0c9188\")"));
    assertThat(calls)
        .as("one filtered call, not every instance of the region")
        .containsExactly("DescribeNetworkInterfaces " + group.groupId());
  }

  /** The simulator, but its DescribeNetworkInterfaces refused as to credentials without it. */
  ForwardingCloud withoutInterfacePermission() {
    return new ForwardingCloud(sim) {
      @Override
      public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
          String region, String groupId, String nextToken, Integer maxResults) {
        throw new CloudException(
            "UnauthorizedOperation",
            CloudException.Kind.UNAUTHORIZED,
            "You are not authorized to perform this operation.");
      }
    };
  }

  @Test
  void withoutDescribeNetworkInterfacesInstancesAreStillNamedAndTheGapIsSaid() {
    SecurityGroupInfo group = sim.createSecurityGroup(EU, VPC, "held", "held", Map.of());
    InstanceInfo instance = sim.describeAllInstances(EU, new InstanceFilter(null, null)).get(0);
    String eni = instance.interfaces().get(0).interfaceId();
    sim.setInterfaceGroups(EU, eni, List.of(group.groupId()));

    Optional<String> why = new GroupDeleter(withoutInterfacePermission(), retry).delete(EU, group);

    assertThat(why)
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("network interfaces still carry it (" + eni + " of instance ")
                    .contains("cannot be named")
                    .contains("ec2:DescribeNetworkInterfaces"));
    assertThat(sim.describeAllNetworkInterfaces(EU, group.groupId())).hasSize(1);
  }

  @Test
  void withoutDescribeNetworkInterfacesTwoGroupsThatReferenceEachOtherStillGo() {
    SecurityGroupInfo a = sim.createSecurityGroup(EU, VPC, "a", "a", Map.of());
    SecurityGroupInfo b = sim.createSecurityGroup(EU, VPC, "b", "b", Map.of());
    sim.authorize(EU, a.groupId(), Direction.INGRESS, List.of(https(b.groupId())));
    sim.authorize(EU, b.groupId(), Direction.INGRESS, List.of(https(a.groupId())));
    GroupDeleter deleter = new GroupDeleter(withoutInterfacePermission(), retry);

    // a's own reference to b is revoked, so b can go, and then a
    assertThat(deleter.delete(EU, a)).hasValueSatisfying(w -> assertThat(w).contains(b.groupId()));
    assertThat(deleter.delete(EU, b)).isEmpty();
    assertThat(deleter.delete(EU, a)).isEmpty();
    assertThat(sim.describeAllSecurityGroups(EU, new GroupFilter(null, null, VPC, null)))
        .extracting(SecurityGroupInfo::groupId)
        .doesNotContain(a.groupId(), b.groupId());
  }

  @Test
  void aRefusalWithNothingToNameIsSaidNotThrown() {
    SecurityGroupInfo group = sim.createSecurityGroup(EU, VPC, "odd", "odd", Map.of());
    assertThat(new GroupDeleter(refusingDeletes(sim), retry).delete(EU, group))
        .hasValue(
            group.groupId()
                + " cannot be deleted yet: EC2 reports that it is still in use; retrying until they"
                + " let go");
  }

  /** {@code to}, except that EC2 refuses every deletion as if something used the group. */
  static ForwardingCloud refusingDeletes(CloudPort to) {
    return new ForwardingCloud(to) {
      @Override
      public void deleteSecurityGroup(String region, String groupId) {
        throw new CloudException(
            "DependencyViolation", CloudException.Kind.CONFLICT, "resource has a dependent");
      }
    };
  }

  static Rule https(String groupId) {
    return new Rule(Direction.INGRESS, Protocol.TCP, 443, 443, new GroupPeer(groupId), "");
  }
}
