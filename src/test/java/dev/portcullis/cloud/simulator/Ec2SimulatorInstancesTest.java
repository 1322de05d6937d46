package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Fixtures.BASTION;
import static dev.portcullis.cloud.simulator.Fixtures.BASTION_ENI;
import static dev.portcullis.cloud.simulator.Fixtures.DB;
import static dev.portcullis.cloud.simulator.Fixtures.EU;
import static dev.portcullis.cloud.simulator.Fixtures.OTHER;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_A;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_B;
import static dev.portcullis.cloud.simulator.Fixtures.WEB;
import static dev.portcullis.cloud.simulator.Fixtures.WEB_ENI;
import static dev.portcullis.cloud.simulator.Fixtures.create;
import static dev.portcullis.cloud.simulator.Fixtures.defaultGroupId;
import static dev.portcullis.cloud.simulator.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.MovableClock;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.NetworkInterfaceInfo;
import dev.portcullis.cloud.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ec2SimulatorInstancesTest {
  private final Ec2Simulator sim = Fixtures.demo();
  private final String defaultA = defaultGroupId(sim, EU, VPC_A);

  private InstanceInfo instance(String id) {
    return sim.describeAllInstances(EU, new InstanceFilter(List.of(id), null)).get(0);
  }

  private List<String> groupsOf(String instanceId, int device) {
    return instance(instanceId).interfaces().get(device).groupIds();
  }

  @Test
  void instancesAreDescribedWithTheirInterfaces() {
    InstanceInfo bastion = instance(BASTION);
    assertThat(bastion.vpcId()).isEqualTo(VPC_A);
    assertThat(bastion.tags()).containsEntry("role", "bastion");
    assertThat(bastion.interfaces())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.interfaceId()).isEqualTo(BASTION_ENI);
              assertThat(i.deviceIndex()).isZero();
              assertThat(i.privateIp()).isEqualTo("10.0.1.10");
              assertThat(i.publicIp()).isEqualTo("198.51.100.10");
              assertThat(i.ipv6()).isEqualTo("2001:db8:100::10");
              assertThat(i.groupIds()).containsExactly(defaultA);
            });

    InstanceInfo web = instance(WEB);
    assertThat(web.interfaces())
        .extracting(InstanceInfo.InterfaceInfo::deviceIndex)
        .containsExactly(0, 1);
    assertThat(web.interfaces().get(0).groupIds()).hasSize(2).startsWith(defaultA);
    assertThat(web.interfaces().get(1).interfaceId()).isEqualTo("eni-0a000012");
    // An interface the world gives no id gets a generated one, the same for the same seed.
    String dbEni = instance(DB).interfaces().get(0).interfaceId();
    assertThat(dbEni).matches("eni-[0-9a-f]{17}");
    assertThat(
            Fixtures.demo()
                .describeAllInstances(EU, new InstanceFilter(List.of(DB), null))
                .get(0)
                .interfaces()
                .get(0)
                .interfaceId())
        .isEqualTo(dbEni);
  }

  @Test
  void describeFiltersByIdsAndTags() {
    assertThat(sim.describeAllInstances(EU, null))
        .extracting(InstanceInfo::instanceId)
        .containsExactly(BASTION, WEB, DB, OTHER);
    assertThat(sim.describeAllInstances(EU, new InstanceFilter(null, Map.of("role", "web"))))
        .extracting(InstanceInfo::instanceId)
        .containsExactly(WEB);
    assertThat(
            sim.describeAllInstances(
                EU, new InstanceFilter(List.of(BASTION, DB), Map.of("role", "db"))))
        .extracting(InstanceInfo::instanceId)
        .containsExactly(DB);
    CloudException e =
        failure(
            () ->
                sim.describeInstances(
                    EU, new InstanceFilter(List.of("i-0fffffff"), null), null, null));
    assertThat(e.getMessage())
        .isEqualTo("InvalidInstanceID.NotFound: The instance ID 'i-0fffffff' does not exist");
    assertThat(
            failure(
                    () ->
                        sim.describeInstances(
                            EU, new InstanceFilter(List.of("web"), null), null, null))
                .code())
        .isEqualTo("InvalidInstanceID.Malformed");
    assertThat(
            failure(
                    () ->
                        sim.describeInstances(
                            EU, new InstanceFilter(List.of(BASTION), null), null, 5))
                .code())
        .isEqualTo("InvalidParameterCombination");
  }

  /** A world of one VPC with twelve instances, for paging. */
  static Ec2Simulator twelveInstances() {
    StringBuilder yaml =
        new StringBuilder(
            "regions:\n  eu-west-1:\n    vpcs:\n      - {id: vpc-0a000001, cidr: 10.0.0.0/16}\n"
                + "    instances:\n");
    for (int i = 0; i < 12; i++) {
      yaml.append(
          String.format(
              "      - {id: i-%08x, vpc: vpc-0a000001, privateIp: 10.0.0.%d, tags: {n: '%d'}}%n",
              0x100 + i, 10 + i, i));
    }
    return Ec2Simulator.builder()
        .world(WorldLoader.parse(yaml.toString(), "many.yaml"))
        .throttling(ThrottlingMode.OFF)
        .build();
  }

  @Test
  void manyInstancesReadInPages() {
    Ec2Simulator many = twelveInstances();
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<InstanceInfo> page = many.describeInstances(EU, null, token, 5);
      page.items().forEach(i -> seen.add(i.instanceId()));
      token = page.nextToken();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(12).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void theInterfacesOfAGroupReadInPages() {
    Ec2Simulator many = twelveInstances();
    String defaultGroup =
        many.describeAllSecurityGroups(EU, new GroupFilter(null, List.of("default"), VPC_A, null))
            .get(0)
            .groupId();
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<NetworkInterfaceInfo> page = many.describeNetworkInterfaces(EU, defaultGroup, token, 5);
      page.items().forEach(n -> seen.add(n.interfaceId()));
      assertThat(page.items()).allSatisfy(n -> assertThat(n.instanceId()).startsWith("i-"));
      token = page.nextToken();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(12).doesNotHaveDuplicates().isSorted();

    String instancesToken = many.describeInstances(EU, null, null, 5).nextToken();
    assertThat(
            failure(() -> many.describeNetworkInterfaces(EU, defaultGroup, instancesToken, 5))
                .code())
        .as("a token of another call")
        .isEqualTo("InvalidPaginationToken");
    assertThat(failure(() -> many.describeNetworkInterfaces(EU, " ", null, null)).code())
        .isEqualTo("InvalidParameterValue");
    assertThat(many.describeAllNetworkInterfaces(EU, "sg-0123456789abcdef0"))
        .as("an unknown group, as a filter value, matches nothing")
        .isEmpty();
  }

  @Test
  void setInterfaceGroupsReplacesTheGroups() {
    String web = create(sim, EU, VPC_A, "web").groupId();
    String ssh = create(sim, EU, VPC_A, "ssh").groupId();
    sim.setInterfaceGroups(EU, BASTION_ENI, List.of(web, ssh, web));
    assertThat(groupsOf(BASTION, 0)).containsExactly(web, ssh);
    assertThat(
            sim.estate(EU).instances().stream()
                .filter(i -> i.instanceId().equals(BASTION))
                .findFirst()
                .get()
                .primary()
                .groupIds())
        .containsExactly(web, ssh);
    sim.setInterfaceGroups(EU, "eni-0a000012", List.of(ssh));
    assertThat(groupsOf(WEB, 1)).containsExactly(ssh);
    assertThat(groupsOf(WEB, 0)).hasSize(2);
  }

  @Test
  void setInterfaceGroupsRefusesWhatEc2Refuses() {
    List<String> before = groupsOf(BASTION, 0);
    String otherVpc = defaultGroupId(sim, EU, VPC_B);
    CloudException networks =
        failure(() -> sim.setInterfaceGroups(EU, BASTION_ENI, List.of(defaultA, otherVpc)));
    assertThat(networks.code()).isEqualTo("InvalidParameter");
    assertThat(networks.getMessage())
        .isEqualTo(
            "InvalidParameter: You have specified two resources that belong to different networks: "
                + BASTION_ENI
                + " is in "
                + VPC_A
                + ", security group "
                + otherVpc
                + " (in "
                + VPC_B
                + ") is not");

    CloudException group =
        failure(() -> sim.setInterfaceGroups(EU, BASTION_ENI, List.of("sg-0123456789abcdef0")));
    assertThat(group.code()).isEqualTo("InvalidGroup.NotFound");
    CloudException eni =
        failure(() -> sim.setInterfaceGroups(EU, "eni-0fffffff", List.of(defaultA)));
    assertThat(eni.getMessage())
        .isEqualTo(
            "InvalidNetworkInterfaceID.NotFound: The networkInterface ID 'eni-0fffffff' does not exist");
    assertThat(failure(() -> sim.setInterfaceGroups(EU, "nic-1", List.of(defaultA))).code())
        .isEqualTo("InvalidNetworkInterfaceId.Malformed");
    CloudException empty = failure(() -> sim.setInterfaceGroups(EU, BASTION_ENI, List.of()));
    assertThat(empty.code()).isEqualTo("InvalidParameterValue");
    assertThat(empty.getMessage()).contains("at least one security group");

    List<String> six = new ArrayList<>();
    six.add(defaultA);
    for (int i = 0; i < 5; i++) {
      six.add(create(sim, EU, VPC_A, "g" + i).groupId());
    }
    sim.setInterfaceGroups(EU, BASTION_ENI, six.subList(0, 5));
    CloudException tooMany = failure(() -> sim.setInterfaceGroups(EU, BASTION_ENI, six));
    assertThat(tooMany.code()).isEqualTo("SecurityGroupsPerInterfaceLimitExceeded");
    assertThat(tooMany.getMessage()).contains("6 groups for " + BASTION_ENI + ", quota 5");
    assertThat(groupsOf(BASTION, 0)).isEqualTo(six.subList(0, 5)).isNotEqualTo(before);
    assertThat(sim.calls().count(Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE, "InvalidParameter"))
        .isEqualTo(1);
  }

  @Test
  void setInstanceGroupsReplacesTheGroupsOfTheOnlyInterface() {
    String web = create(sim, EU, VPC_A, "web").groupId();
    String ssh = create(sim, EU, VPC_A, "ssh").groupId();
    sim.setInstanceGroups(EU, BASTION, List.of(web, ssh, web));
    assertThat(groupsOf(BASTION, 0)).containsExactly(web, ssh);
    assertThat(
            sim.estate(EU).instances().stream()
                .filter(i -> i.instanceId().equals(BASTION))
                .findFirst()
                .get()
                .primary()
                .groupIds())
        .containsExactly(web, ssh);
    assertThat(sim.calls().count(Ec2Action.MODIFY_INSTANCE_ATTRIBUTE, CallCounters.SUCCESS))
        .isEqualTo(1);
    assertThat(sim.calls().total(Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE)).isZero();
  }

  @Test
  void setInstanceGroupsRefusesWhatEc2Refuses() {
    // web-1 has two interfaces: EC2 will not guess which one is meant.
    List<List<String>> webBefore = List.of(groupsOf(WEB, 0), groupsOf(WEB, 1));
    CloudException two = failure(() -> sim.setInstanceGroups(EU, WEB, List.of(defaultA)));
    assertThat(two.code()).isEqualTo("InvalidInstanceID");
    assertThat(two.kind()).isEqualTo(CloudException.Kind.INVALID);
    assertThat(two.getMessage())
        .contains("'" + WEB + "' has 2 network interfaces (" + WEB_ENI + ", eni-0a000012)")
        .contains("name the interface instead (ModifyNetworkInterfaceAttribute)");
    assertThat(List.of(groupsOf(WEB, 0), groupsOf(WEB, 1))).isEqualTo(webBefore);

    List<String> before = groupsOf(BASTION, 0);
    String otherVpc = defaultGroupId(sim, EU, VPC_B);
    CloudException networks =
        failure(() -> sim.setInstanceGroups(EU, BASTION, List.of(defaultA, otherVpc)));
    assertThat(networks.getMessage())
        .isEqualTo(
            "InvalidParameter: You have specified two resources that belong to different networks: "
                + BASTION
                + " is in "
                + VPC_A
                + ", security group "
                + otherVpc
                + " (in "
                + VPC_B
                + ") is not");
    assertThat(
            failure(() -> sim.setInstanceGroups(EU, BASTION, List.of("sg-0123456789abcdef0")))
                .code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> sim.setInstanceGroups(EU, BASTION, List.of("web"))).code())
        .isEqualTo("InvalidGroupId.Malformed");
    assertThat(
            failure(() -> sim.setInstanceGroups(EU, "i-0fffffff", List.of(defaultA))).getMessage())
        .isEqualTo("InvalidInstanceID.NotFound: The instance ID 'i-0fffffff' does not exist");
    assertThat(failure(() -> sim.setInstanceGroups(EU, "bastion", List.of(defaultA))).code())
        .isEqualTo("InvalidInstanceID.Malformed");
    assertThat(failure(() -> sim.setInstanceGroups(EU, null, List.of(defaultA))).code())
        .isEqualTo("MissingParameter");
    CloudException empty = failure(() -> sim.setInstanceGroups(EU, BASTION, List.of()));
    assertThat(empty.code()).isEqualTo("InvalidParameterValue");
    assertThat(empty.getMessage()).contains("the request gives " + BASTION + " none");

    List<String> six = new ArrayList<>();
    six.add(defaultA);
    for (int i = 0; i < 5; i++) {
      six.add(create(sim, EU, VPC_A, "g" + i).groupId());
    }
    CloudException tooMany = failure(() -> sim.setInstanceGroups(EU, BASTION, six));
    assertThat(tooMany.code()).isEqualTo("SecurityGroupsPerInterfaceLimitExceeded");
    assertThat(tooMany.getMessage()).contains("6 groups for " + BASTION + ", quota 5");
    assertThat(groupsOf(BASTION, 0)).isEqualTo(before);
    // A group still inside its consistency window is not there yet, as for an interface.
    Ec2Simulator slow =
        Ec2Simulator.builder()
            .world(Fixtures.DEMO)
            .clock(new MovableClock(Instant.parse("2030-01-01T00:00:00Z")))
            .throttling(ThrottlingMode.OFF)
            .faults(Faults.none().withConsistencyWindow(Duration.ofSeconds(5)))
            .build();
    String fresh = create(slow, EU, VPC_A, "fresh").groupId();
    assertThat(failure(() -> slow.setInstanceGroups(EU, BASTION, List.of(fresh))).code())
        .isEqualTo("InvalidGroup.NotFound");

    assertThat(sim.calls().count(Ec2Action.MODIFY_INSTANCE_ATTRIBUTE, "InvalidInstanceID"))
        .isEqualTo(1);
    assertThat(sim.calls().count(Ec2Action.MODIFY_INSTANCE_ATTRIBUTE, CallCounters.SUCCESS))
        .isZero();
  }

  @Test
  void everyInterfaceStartsWithItsVpcsDefaultGroup() {
    assertThat(groupsOf(DB, 0)).containsExactly(defaultA);
    assertThat(groupsOf(WEB, 1)).containsExactly(defaultA);
    assertThat(groupsOf(OTHER, 0)).containsExactly(defaultGroupId(sim, EU, VPC_B));
    assertThat(WEB_ENI).isEqualTo(instance(WEB).interfaces().get(0).interfaceId());
  }
}
