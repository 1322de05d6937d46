package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Fixtures.BASTION;
import static dev.portcullis.cloud.simulator.Fixtures.BASTION_ENI;
import static dev.portcullis.cloud.simulator.Fixtures.EU;
import static dev.portcullis.cloud.simulator.Fixtures.US;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_A;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_B;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_US;
import static dev.portcullis.cloud.simulator.Fixtures.create;
import static dev.portcullis.cloud.simulator.Fixtures.defaultGroupId;
import static dev.portcullis.cloud.simulator.Fixtures.failure;
import static dev.portcullis.cloud.simulator.Fixtures.rules;
import static dev.portcullis.cloud.simulator.Fixtures.tcpIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Ec2SimulatorGroupsTest {
  private final Ec2Simulator sim = Fixtures.demo();

  @Test
  void everyVpcStartsWithItsDefaultGroup() {
    List<SecurityGroupInfo> defaults =
        sim.describeAllSecurityGroups(EU, new GroupFilter(null, List.of("default"), null, null));
    assertThat(defaults)
        .extracting(SecurityGroupInfo::vpcId)
        .containsExactlyInAnyOrder(VPC_A, VPC_B)
        .doesNotHaveDuplicates();
    SecurityGroupInfo a = defaults.stream().filter(g -> g.vpcId().equals(VPC_A)).findFirst().get();
    assertThat(a.description()).isEqualTo("default VPC security group");
    // Members talk to each other; everything goes out, IPv6 too in a VPC with an IPv6 block.
    assertThat(a.rules())
        .extracting(o -> o.rule())
        .containsExactlyInAnyOrder(
            new Rule(Direction.INGRESS, Protocol.ALL, -1, -1, new GroupPeer(a.groupId()), ""),
            Rule.DEFAULT_EGRESS,
            new Rule(Direction.EGRESS, Protocol.ALL, -1, -1, Cidr6.ANY, ""));
    String b = defaultGroupId(sim, EU, VPC_B);
    assertThat(rules(sim, EU, b))
        .containsExactlyInAnyOrder(
            new Rule(Direction.INGRESS, Protocol.ALL, -1, -1, new GroupPeer(b), ""),
            Rule.DEFAULT_EGRESS);
  }

  @Test
  void aNewGroupHasAnIdAndTheDefaultEgressRule() {
    SecurityGroupInfo g =
        sim.createSecurityGroup(EU, VPC_A, "web", "web tier", Map.of("app", "shop"));
    assertThat(g.groupId()).matches("sg-[0-9a-f]{17}");
    assertThat(g.groupName()).isEqualTo("web");
    assertThat(g.vpcId()).isEqualTo(VPC_A);
    assertThat(g.tags()).containsExactly(Map.entry("app", "shop"));
    assertThat(g.rules())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.rule()).isEqualTo(Rule.DEFAULT_EGRESS);
              assertThat(o.ruleId()).matches("sgr-[0-9a-f]{17}");
            });
    assertThat(Fixtures.group(sim, EU, g.groupId())).isEqualTo(g);
  }

  @Test
  void idsDependOnlyOnTheSeed() {
    String first = create(Fixtures.demo(), EU, VPC_A, "web").groupId();
    String again = create(Fixtures.demo(), EU, VPC_A, "web").groupId();
    Ec2Simulator other =
        Ec2Simulator.builder().world(Fixtures.DEMO).seed(7).throttling(ThrottlingMode.OFF).build();
    assertThat(again).isEqualTo(first);
    assertThat(create(other, EU, VPC_A, "web").groupId()).isNotEqualTo(first);
  }

  @Test
  void aNameIsUniqueWithinItsVpcOnly() {
    create(sim, EU, VPC_A, "web");
    CloudException e = failure(() -> create(sim, EU, VPC_A, "web"));
    assertThat(e.code()).isEqualTo("InvalidGroup.Duplicate");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.CONFLICT);
    assertThat(e.getMessage())
        .isEqualTo(
            "InvalidGroup.Duplicate: The security group 'web' already exists for VPC"
                + " 'vpc-0a000001'");
    assertThat(create(sim, EU, VPC_B, "web").vpcId()).isEqualTo(VPC_B);
  }

  @Test
  void namesAreCaseInsensitiveAsInEc2() {
    create(sim, EU, VPC_A, "web");
    CloudException upper = failure(() -> create(sim, EU, VPC_A, "WEB"));
    assertThat(upper.code()).isEqualTo("InvalidGroup.Duplicate");
    assertThat(upper.getMessage())
        .isEqualTo(
            "InvalidGroup.Duplicate: The security group 'WEB' already exists for VPC"
                + " 'vpc-0a000001' as 'web' (group names are case-insensitive)");
    assertThat(failure(() -> create(sim, EU, VPC_A, "Monitoring")).code())
        .as("a group of the world")
        .isEqualTo("InvalidGroup.Duplicate");
    // Another VPC is another namespace, and a group keeps the spelling it was created with.
    assertThat(create(sim, EU, VPC_B, "WEB").groupName()).isEqualTo("WEB");

    for (String reserved : List.of("default", "Default", "DEFAULT")) {
      assertThat(failure(() -> create(sim, EU, VPC_A, reserved)).code())
          .as(reserved)
          .isEqualTo("InvalidGroup.Reserved");
    }
    for (String prefixed : List.of("sg-web", "SG-web", "Sg-x")) {
      CloudException e = failure(() -> create(sim, EU, VPC_A, prefixed));
      assertThat(e.code()).as(prefixed).isEqualTo("InvalidParameterValue");
      assertThat(e.getMessage()).contains("starts with \"sg-\"");
    }
    // Names beginning with the letters s and g are fine.
    assertThat(create(sim, EU, VPC_A, "sgx").groupName()).isEqualTo("sgx");

    assertThat(names(new GroupFilter(null, null, VPC_A, null)))
        .containsExactlyInAnyOrder("default", "monitoring", "web", "sgx");
    assertThat(names(new GroupFilter(null, null, VPC_B, null)))
        .containsExactlyInAnyOrder("default", "WEB");
  }

  @Test
  void aWorldBuiltInCodeCannotHoldWhatEc2Refuses() {
    for (String second : List.of("WEB", "Default")) {
      World w =
          new World(
              Map.of(
                  EU,
                  new World.Region(
                      EU,
                      List.of(
                          new World.Vpc(
                              VPC_A,
                              Fixtures.cidr4("10.0.0.0/16"),
                              null,
                              List.of(
                                  new World.GroupSpec("web", "d", Map.of(), List.of(), List.of()),
                                  new World.GroupSpec(
                                      second, "d", Map.of(), List.of(), List.of())))),
                      List.of(),
                      List.of())),
              List.of());
      assertThatThrownBy(() -> Ec2Simulator.builder().world(w).build())
          .as(second)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("a second group named '" + second + "'");
    }
  }

  @Test
  void describeByNameMatchesTheNameExactlyAsEc2FiltersDo() {
    // EC2 documents filter values as case-sensitive: names are unique whatever their case, but a
    // filter finds a group only by its name as spelled.
    String web = create(sim, EU, VPC_A, "Web").groupId();
    assertThat(sim.describeAllSecurityGroups(EU, new GroupFilter(null, List.of("Web"), null, null)))
        .extracting(SecurityGroupInfo::groupId)
        .containsExactly(web);
    assertThat(names(new GroupFilter(null, List.of("web", "WEB"), VPC_A, null))).isEmpty();
    assertThat(names(new GroupFilter(null, List.of("Default"), VPC_A, null))).isEmpty();
  }

  @Test
  void createRefusesWhatEc2Refuses() {
    assertThat(failure(() -> create(sim, EU, "vpc-0fffffff", "web")).getMessage())
        .isEqualTo("InvalidVpcID.NotFound: The vpc ID 'vpc-0fffffff' does not exist");
    assertThat(failure(() -> create(sim, EU, "vpc-x", "web")).code())
        .isEqualTo("InvalidVpcID.Malformed");
    assertThat(failure(() -> create(sim, EU, VPC_A, "default")).code())
        .isEqualTo("InvalidGroup.Reserved");
    assertThat(failure(() -> create(sim, EU, VPC_A, "")).getMessage())
        .isEqualTo("MissingParameter: The request must contain the parameter GroupName");
    assertThat(failure(() -> sim.createSecurityGroup(EU, VPC_A, "web", "", null)).code())
        .isEqualTo("MissingParameter");

    CloudException sg = failure(() -> create(sim, EU, VPC_A, "sg-web"));
    assertThat(sg.code()).isEqualTo("InvalidParameterValue");
    assertThat(sg.getMessage()).contains("starts with \"sg-\"");
    CloudException longName = failure(() -> create(sim, EU, VPC_A, "x".repeat(256)));
    assertThat(longName.code()).isEqualTo("InvalidParameterValue");
    assertThat(longName.getMessage()).contains("256 characters long; EC2 allows at most 255");
    assertThat(sim.createSecurityGroup(EU, VPC_A, "y".repeat(255), "d", null).groupName())
        .hasSize(255);
    CloudException chars = failure(() -> create(sim, EU, VPC_A, "web\"tier"));
    assertThat(chars.code()).isEqualTo("InvalidParameterValue");
    assertThat(chars.getMessage()).contains("characters EC2 refuses");
    assertThat(create(sim, EU, VPC_A, "a-z A-Z 0-9 ._-:/()#,@[]+=&;{}!$*").groupName())
        .startsWith("a-z");
    CloudException desc =
        failure(() -> sim.createSecurityGroup(EU, VPC_A, "web2", "caf\u00e9", null));
    assertThat(desc.getMessage()).contains("security group description");
    CloudException tag =
        failure(() -> sim.createSecurityGroup(EU, VPC_A, "web3", "d", Map.of("aws:x", "y")));
    assertThat(tag.code()).isEqualTo("InvalidParameterValue");

    // Nothing was created by the failed calls.
    assertThat(sim.describeAllSecurityGroups(EU, new GroupFilter(null, null, VPC_A, null)))
        .extracting(SecurityGroupInfo::groupName)
        .containsExactlyInAnyOrder(
            "default", "monitoring", "y".repeat(255), "a-z A-Z 0-9 ._-:/()#,@[]+=&;{}!$*");
  }

  @Test
  void describeByAnUnknownIdFailsAsEc2Does() {
    CloudException e =
        failure(
            () ->
                sim.describeSecurityGroups(
                    EU, GroupFilter.ids("sg-0123456789abcdef0"), null, null));
    assertThat(e.code()).isEqualTo("InvalidGroup.NotFound");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.NOT_FOUND);
    assertThat(e.getMessage())
        .isEqualTo(
            "InvalidGroup.NotFound: The security group 'sg-0123456789abcdef0' does not exist");
    String known = defaultGroupId(sim, EU, VPC_A);
    assertThat(
            failure(
                    () ->
                        sim.describeSecurityGroups(
                            EU, GroupFilter.ids(known, "sg-0000000a", "sg-0000000b"), null, null))
                .getMessage())
        .endsWith("The security groups 'sg-0000000a', 'sg-0000000b' do not exist");
    assertThat(
            failure(() -> sim.describeSecurityGroups(EU, GroupFilter.ids("web"), null, null))
                .getMessage())
        .isEqualTo("InvalidGroupId.Malformed: Invalid id: \"web\" (expecting \"sg-...\")");
  }

  @Test
  void describeFiltersByNamesVpcAndTagsTogether() {
    create(sim, EU, VPC_A, "web");
    SecurityGroupInfo tagged =
        sim.createSecurityGroup(EU, VPC_B, "web", "web", Map.of("env", "prod", "team", "a"));
    sim.createSecurityGroup(EU, VPC_B, "api", "api", Map.of("env", "prod"));

    assertThat(names(new GroupFilter(null, List.of("web"), null, null)))
        .containsExactly("web", "web");
    assertThat(names(new GroupFilter(null, List.of("web", "api"), VPC_B, null)))
        .containsExactlyInAnyOrder("web", "api");
    assertThat(names(GroupFilter.tags(Map.of("env", "prod"))))
        .containsExactlyInAnyOrder("web", "api");
    assertThat(
            sim.describeAllSecurityGroups(EU, GroupFilter.tags(Map.of("env", "prod", "team", "a"))))
        .containsExactly(tagged);
    assertThat(names(GroupFilter.tags(Map.of("env", "dev")))).isEmpty();
    assertThat(names(new GroupFilter(null, null, "vpc-0fffffff", null))).isEmpty();
    assertThat(
            sim.describeAllSecurityGroups(
                EU, new GroupFilter(List.of(tagged.groupId()), List.of("api"), null, null)))
        .isEmpty();
  }

  private List<String> names(GroupFilter f) {
    return sim.describeAllSecurityGroups(EU, f).stream().map(SecurityGroupInfo::groupName).toList();
  }

  @Test
  void aLargeVpcReadsInPagesWithEveryGroupOnce() {
    GroupFilter vpcB = new GroupFilter(null, null, VPC_B, null);
    for (int i = 0; i < 22; i++) {
      create(sim, EU, VPC_B, "g" + i);
      create(sim, EU, VPC_A, "a" + i); // interleaved, and filtered out
    }
    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String token = null;
    do {
      Page<SecurityGroupInfo> page = sim.describeSecurityGroups(EU, vpcB, token, 5);
      page.items().forEach(g -> seen.add(g.groupId()));
      sizes.add(page.items().size());
      token = page.nextToken();
    } while (token != null);
    assertThat(sizes).containsExactly(5, 5, 5, 5, 3);
    assertThat(seen).hasSize(23).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen))
        .isEqualTo(
            new HashSet<>(
                sim.describeAllSecurityGroups(EU, vpcB).stream()
                    .map(SecurityGroupInfo::groupId)
                    .toList()));
    // Without maxResults EC2 returns everything at once.
    Page<SecurityGroupInfo> all = sim.describeSecurityGroups(EU, vpcB, null, null);
    assertThat(all.items()).hasSize(23);
    assertThat(all.nextToken()).isNull();
  }

  @Test
  void pageSizesAndTokensAreChecked() {
    for (int bad : new int[] {4, 0, 1001}) {
      CloudException e =
          failure(() -> sim.describeSecurityGroups(EU, GroupFilter.all(), null, bad));
      assertThat(e.code()).isEqualTo("InvalidParameterValue");
      assertThat(e.getMessage()).contains("maxResults").contains("from 5 to 1000");
    }
    assertThat(sim.describeSecurityGroups(EU, GroupFilter.all(), null, 1000).items()).hasSize(3);
    assertThat(
            failure(() -> sim.describeSecurityGroups(EU, GroupFilter.all(), "garbage!", 5)).code())
        .isEqualTo("InvalidPaginationToken");
    for (int i = 0; i < 6; i++) {
      create(sim, US, VPC_US, "g" + i);
    }
    String usToken = sim.describeSecurityGroups(US, GroupFilter.all(), null, 5).nextToken();
    assertThat(usToken).isNotNull();
    assertThat(failure(() -> sim.describeSecurityGroups(EU, GroupFilter.all(), usToken, 5)).code())
        .isEqualTo("InvalidPaginationToken");
    assertThat(failure(() -> sim.describeInstances(US, null, usToken, 5)).code())
        .isEqualTo("InvalidPaginationToken");
  }

  @Test
  void deleteRemovesAGroup() {
    String id = create(sim, EU, VPC_A, "temp").groupId();
    sim.deleteSecurityGroup(EU, id);
    assertThat(failure(() -> sim.deleteSecurityGroup(EU, id)).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(
            failure(() -> sim.describeSecurityGroups(EU, GroupFilter.ids(id), null, null)).code())
        .isEqualTo("InvalidGroup.NotFound");
  }

  @Test
  void theDefaultGroupCannotBeDeleted() {
    String def = defaultGroupId(sim, EU, VPC_B);
    CloudException e = failure(() -> sim.deleteSecurityGroup(EU, def));
    assertThat(e.code()).isEqualTo("CannotDelete");
    assertThat(e.getMessage()).contains("\"" + def + "\" name: \"default\" cannot be deleted");
  }

  @Test
  void aGroupInUseNamesItsInterfacesAndReferencingGroups() {
    String target = create(sim, EU, VPC_A, "target").groupId();
    String def = defaultGroupId(sim, EU, VPC_A);
    sim.setInterfaceGroups(EU, BASTION_ENI, List.of(def, target));
    String client = create(sim, EU, VPC_A, "client").groupId();
    sim.authorize(
        EU,
        client,
        Direction.INGRESS,
        List.of(tcpIn(22, "10.0.0.0/8").withPeer(new GroupPeer(target))));

    CloudException e = failure(() -> sim.deleteSecurityGroup(EU, target));
    assertThat(e.code()).isEqualTo("DependencyViolation");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.CONFLICT);
    assertThat(e.getMessage())
        .isEqualTo(
            "DependencyViolation: resource "
                + target
                + " has a dependent object: it is attached to network interface "
                + BASTION_ENI
                + " (instance "
                + BASTION
                + "); rules of security group "
                + client
                + " (client) reference it");

    sim.setInterfaceGroups(EU, BASTION_ENI, List.of(def));
    assertThat(failure(() -> sim.deleteSecurityGroup(EU, target)).getMessage())
        .endsWith(
            "has a dependent object: rules of security group " + client + " (client) reference it");
    sim.revoke(
        EU,
        client,
        Direction.INGRESS,
        List.of(tcpIn(22, "10.0.0.0/8").withPeer(new GroupPeer(target))));
    sim.deleteSecurityGroup(EU, target);
  }

  @Test
  void aGroupThatOnlyReferencesItselfCanBeDeleted() {
    String id = create(sim, EU, VPC_A, "self").groupId();
    sim.authorize(
        EU, id, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8").withPeer(new GroupPeer(id))));
    sim.deleteSecurityGroup(EU, id);
  }

  @Test
  void tagsGoOnGroupsAndInstances() {
    String id = create(sim, EU, VPC_A, "web").groupId();
    sim.createTags(EU, id, Map.of("owner", "ops"));
    sim.createTags(EU, id, Map.of("owner", "dev", "tier", "1"));
    assertThat(Fixtures.group(sim, EU, id).tags()).isEqualTo(Map.of("owner", "dev", "tier", "1"));
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.tags(Map.of("owner", "dev"))))
        .extracting(SecurityGroupInfo::groupId)
        .containsExactly(id);

    sim.createTags(EU, BASTION, Map.of("patched", "yes"));
    assertThat(sim.describeAllInstances(EU, new InstanceFilter(null, Map.of("patched", "yes"))))
        .singleElement()
        .satisfies(
            i ->
                assertThat(i.tags())
                    .containsEntry("Name", "bastion")
                    .containsEntry("patched", "yes"));

    assertThat(failure(() -> sim.createTags(EU, "vol-0123abcd", Map.of("a", "b"))).code())
        .isEqualTo("InvalidID");
    assertThat(failure(() -> sim.createTags(EU, "sg-0123abcd", Map.of("a", "b"))).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> sim.createTags(EU, id, Map.of("AWS:x", "b"))).code())
        .isEqualTo("InvalidParameterValue");
    assertThat(failure(() -> sim.createTags(EU, id, Map.of())).code())
        .isEqualTo("MissingParameter");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 49; i++) {
      many.put("k" + i, "v");
    }
    CloudException e = failure(() -> sim.createTags(EU, id, many));
    assertThat(e.code()).isEqualTo("TagLimitExceeded");
    assertThat(e.getMessage()).contains("would have 51 tags, at most 50");
    assertThat(Fixtures.group(sim, EU, id).tags()).hasSize(2);
  }

  @Test
  void deleteTagsRemovesAKeyOrAKeyWithItsValue() {
    String id =
        sim.createSecurityGroup(
                EU, VPC_A, "web", "d", Map.of("owner", "ops", "tier", "1", "env", "", "keep", "k"))
            .groupId();
    // A key without a value goes whatever its value; one with a value only while it matches.
    sim.deleteTags(EU, id, nullValued("owner"));
    sim.deleteTags(EU, id, Map.of("tier", "2"));
    assertThat(Fixtures.group(sim, EU, id).tags())
        .containsOnlyKeys("tier", "env", "keep")
        .containsEntry("tier", "1");
    sim.deleteTags(EU, id, Map.of("tier", "1", "env", "", "absent", "x"));
    sim.deleteTags(EU, id, nullValued("never-there"));
    assertThat(Fixtures.group(sim, EU, id).tags()).containsExactly(Map.entry("keep", "k"));

    sim.deleteTags(EU, BASTION, nullValued("role"));
    assertThat(sim.describeAllInstances(EU, new InstanceFilter(List.of(BASTION), null)))
        .singleElement()
        .satisfies(i -> assertThat(i.tags()).containsExactly(Map.entry("Name", "bastion")));
    assertThat(sim.describeAllInstances(EU, new InstanceFilter(null, Map.of("role", "bastion"))))
        .isEmpty();
    assertThat(sim.calls().count(Ec2Action.DELETE_TAGS, CallCounters.SUCCESS)).isEqualTo(5);
  }

  @Test
  void deleteTagsRefusesWhatEc2RefusesAndChangesNothingThen() {
    String id = sim.createSecurityGroup(EU, VPC_A, "web", "d", Map.of("owner", "ops")).groupId();
    Map<String, String> withReserved = nullValued("owner");
    withReserved.put("aws:cloudformation:stack-name", null);
    CloudException reserved = failure(() -> sim.deleteTags(EU, id, withReserved));
    assertThat(reserved.code()).isEqualTo("InvalidParameterValue");
    assertThat(reserved.getMessage()).contains("\"aws:\"");
    assertThat(Fixtures.group(sim, EU, id).tags()).containsEntry("owner", "ops");

    assertThat(failure(() -> sim.deleteTags(EU, "vol-0123abcd", nullValued("a"))).code())
        .isEqualTo("InvalidID");
    assertThat(failure(() -> sim.deleteTags(EU, "sg-0123abcd", nullValued("a"))).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> sim.deleteTags(EU, "i-0fffffff", nullValued("a"))).code())
        .isEqualTo("InvalidInstanceID.NotFound");
    assertThat(failure(() -> sim.deleteTags(EU, "", nullValued("a"))).code())
        .isEqualTo("MissingParameter");
    assertThat(failure(() -> sim.deleteTags(US, id, nullValued("owner"))).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(sim.calls().total(Ec2Action.DELETE_TAGS)).isEqualTo(6);

    // EC2 deletes every tag when none is named; the port refuses that as a caller's bug.
    assertThatThrownBy(() -> sim.deleteTags(EU, id, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every tag");
    assertThat(Fixtures.group(sim, EU, id).tags()).containsEntry("owner", "ops");
    assertThat(sim.calls().total(Ec2Action.DELETE_TAGS)).isEqualTo(6);
  }

  /** Keys mapped to null, which {@code Map.of} cannot hold: "this key, whatever its value". */
  private static Map<String, String> nullValued(String... keys) {
    Map<String, String> out = new HashMap<>();
    for (String k : keys) {
      out.put(k, null);
    }
    return out;
  }

  @Test
  void regionsAreSeparateWorlds() {
    String euGroup = create(sim, EU, VPC_A, "web").groupId();
    assertThat(
            failure(() -> sim.describeSecurityGroups(US, GroupFilter.ids(euGroup), null, null))
                .code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(
            failure(
                    () ->
                        sim.authorize(
                            US, euGroup, Direction.INGRESS, List.of(tcpIn(22, "0.0.0.0/0"))))
                .code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> sim.deleteSecurityGroup(US, euGroup)).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> create(sim, US, VPC_A, "web")).code())
        .isEqualTo("InvalidVpcID.NotFound");
    assertThat(
            failure(
                    () ->
                        sim.describeInstances(
                            US, new InstanceFilter(List.of(BASTION), null), null, null))
                .code())
        .isEqualTo("InvalidInstanceID.NotFound");
    // The same name is free in another region.
    assertThat(create(sim, US, VPC_US, "web").groupId()).isNotEqualTo(euGroup);
    // A region the world does not declare exists, empty.
    assertThat(sim.describeAllSecurityGroups("ap-south-1", GroupFilter.all())).isEmpty();
    assertThat(sim.estate("ap-south-1").groups()).isEmpty();
    Set<String> usGroups =
        Set.copyOf(sim.estate(US).groups().stream().map(g -> g.groupId()).toList());
    assertThat(usGroups).doesNotContain(euGroup).hasSize(2);
  }

  @Test
  void groupsOfTheWorldHaveTheirRulesWithReferencesResolved() {
    SecurityGroupInfo monitoring =
        sim.describeAllSecurityGroups(EU, new GroupFilter(null, List.of("monitoring"), null, null))
            .get(0);
    assertThat(monitoring.description()).isEqualTo("Prometheus scrapers");
    assertThat(monitoring.tags()).containsEntry("team", "observability");
    assertThat(monitoring.rules())
        .extracting(o -> o.rule())
        .containsExactlyInAnyOrder(
            new Rule(
                Direction.INGRESS,
                Protocol.TCP,
                9100,
                9100,
                new GroupPeer(monitoring.groupId()),
                "node exporter"),
            new Rule(Direction.INGRESS, Protocol.ICMP, 8, -1, Fixtures.cidr4("10.0.0.0/16"), ""),
            Rule.DEFAULT_EGRESS);
  }
}
