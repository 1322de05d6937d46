package dev.portcullis.cloud.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EC2's actions beyond the port: filters, rules by id, tags on several resources. */
class Ec2ApiTest {
  private static final String EU = "eu-west-1";
  private static final String VPC = "vpc-0a000001";

  private final Ec2Simulator sim =
      Ec2Simulator.builder()
          .world(WorldLoader.loadResource("/worlds/demo.yaml"))
          .seed(9)
          .throttling(ThrottlingMode.OFF)
          .build();
  private final Ec2Api api = new Ec2Api(sim);

  private String group(String name, Map<String, String> tags) {
    return sim.createSecurityGroup(EU, VPC, name, "group " + name, tags).groupId();
  }

  private static Rule tcpIn(int port, String cidr) {
    return new Rule(Direction.INGRESS, Protocol.TCP, port, port, Ip.parseCidr(cidr).cidr(), "");
  }

  private List<String> names(List<Ec2Api.Filter> filters) {
    return api
        .describeSecurityGroups(EU, new Ec2Api.Query(null, filters, null, null), null)
        .items()
        .stream()
        .map(SecurityGroupInfo::groupName)
        .sorted()
        .toList();
  }

  private static Ec2Api.Filter f(String name, String... values) {
    return new Ec2Api.Filter(name, List.of(values));
  }

  private static void assertCode(Runnable call, String code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(CloudException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void filtersFollowEc2sSemanticsWithWildcards() {
    group("web-1", Map.of("team", "web"));
    group("web-2", Map.of("team", "web", "env", "prod"));
    group("db-1", Map.of("team", "data"));
    group("star*", Map.of());

    assertThat(names(List.of(f("group-name", "web-*")))).containsExactly("web-1", "web-2");
    assertThat(names(List.of(f("group-name", "web-?", "db-1"))))
        .containsExactly("db-1", "web-1", "web-2");
    assertThat(names(List.of(f("group-name", "star\\*")))).containsExactly("star*");
    assertThat(names(List.of(f("group-name", "WEB-*")))).as("case-sensitive").isEmpty();
    assertThat(names(List.of(f("tag:team", "web"), f("tag-key", "env")))).containsExactly("web-2");
    assertThat(names(List.of(f("tag-value", "dat*")))).containsExactly("db-1");
    assertThat(names(List.of(f("description", "group web-*"), f("vpc-id", VPC))))
        .containsExactly("web-1", "web-2");

    assertCode(() -> names(List.of(f("colour", "blue"))), "InvalidParameterValue");
    assertCode(() -> names(List.of(f("group-name"))), "InvalidParameterValue");
  }

  @Test
  void permissionFiltersMatchAnyRuleOfTheirDirection() {
    String a = group("a", Map.of());
    String b = group("b", Map.of());
    sim.authorize(EU, a, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8")));
    sim.authorize(
        EU,
        b,
        Direction.INGRESS,
        List.of(new Rule(Direction.INGRESS, Protocol.TCP, 443, 443, new GroupPeer(a), "")));

    assertThat(names(List.of(f("ip-permission.cidr", "10.0.0.0/8")))).containsExactly("a");
    assertThat(names(List.of(f("ip-permission.group-id", a)))).containsExactly("b");
    assertThat(names(List.of(f("ip-permission.from-port", "443"), f("group-name", "a", "b"))))
        .containsExactly("b");
    assertThat(names(List.of(f("egress.ip-permission.cidr", "0.0.0.0/0"), f("group-name", "?"))))
        .containsExactly("a", "b");
  }

  @Test
  void ruleDescribesPageAcrossGroupsAndMissNothing() {
    for (int i = 0; i < 4; i++) {
      String g = group("paged-" + i, Map.of());
      sim.authorize(
          EU, g, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8"), tcpIn(80, "10.0.0.0/8")));
    }
    int all =
        api.describeSecurityGroupRules(EU, new Ec2Api.Query(null, null, null, null)).items().size();
    List<String> seen = new ArrayList<>();
    String token = null;
    do {
      Page<Ec2Api.RuleEntry> page =
          api.describeSecurityGroupRules(EU, new Ec2Api.Query(null, null, token, 5));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(5);
      page.items().forEach(e -> seen.add(e.ruleId()));
      token = page.nextToken();
    } while (token != null);
    assertThat(seen).hasSize(all).doesNotHaveDuplicates();
    assertCode(
        () ->
            api.describeSecurityGroupRules(
                EU, new Ec2Api.Query(List.of("sgr-0123456789abcdef0"), null, null, null)),
        "InvalidSecurityGroupRuleId.NotFound");
  }

  @Test
  void revokingByIdIsAllOrNothing() {
    String g = group("r", Map.of());
    List<String> ids = sim.authorize(EU, g, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8")));
    String egress =
        sim.describeAllSecurityGroups(EU, GroupFilter.ids(g)).get(0).rules().stream()
            .filter(o -> o.rule().direction() == Direction.EGRESS)
            .findFirst()
            .orElseThrow()
            .ruleId();
    // an egress rule's id in an ingress revoke is not a rule of that direction: nothing goes
    assertCode(
        () -> api.revokeRuleIds(EU, g, Direction.INGRESS, List.of(ids.get(0), egress)),
        "InvalidSecurityGroupRuleId.NotFound");
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.ids(g)).get(0).rules()).hasSize(2);

    List<Ec2Api.RuleEntry> removed = api.revokeRuleIds(EU, g, Direction.INGRESS, ids);
    assertThat(removed)
        .singleElement()
        .satisfies(e -> assertThat(e.ruleId()).isEqualTo(ids.get(0)));
    assertThat(sim.calls().count("RevokeSecurityGroupIngress", CallCounters.SUCCESS)).isEqualTo(1);
    assertThat(
            sim.calls().count("RevokeSecurityGroupIngress", "InvalidSecurityGroupRuleId.NotFound"))
        .isEqualTo(1);
  }

  @Test
  void revokingByPermissionAnswersTheRulesWithTheirIds() {
    String g = group("p", Map.of());
    List<String> ids = sim.authorize(EU, g, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8")));
    assertCode(
        () ->
            api.revokeRules(
                EU,
                g,
                Direction.INGRESS,
                List.of(tcpIn(22, "10.0.0.0/8"), tcpIn(23, "10.0.0.0/8"))),
        "InvalidPermission.NotFound");
    List<Ec2Api.RuleEntry> removed =
        api.revokeRules(
            EU, g, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8"), tcpIn(22, "10.0.0.0/8")));
    assertThat(removed)
        .singleElement()
        .satisfies(e -> assertThat(e.ruleId()).isEqualTo(ids.get(0)));
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.ids(g)).get(0).rules()).hasSize(1);
  }

  @Test
  void modifiedRulesKeepTheirIdsAndAreCheckedAsAnAuthorize() {
    String g = group("m", Map.of());
    List<String> ids =
        sim.authorize(
            EU, g, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8"), tcpIn(80, "10.0.0.0/8")));
    api.modifySecurityGroupRules(
        EU, g, List.of(new Ec2Api.RuleChange(ids.get(0), "tcp", 2222, 2222, Cidr4.ANY, "moved")));
    ObservedRule moved =
        sim.describeAllSecurityGroups(EU, GroupFilter.ids(g)).get(0).rules().stream()
            .filter(o -> o.ruleId().equals(ids.get(0)))
            .findFirst()
            .orElseThrow();
    assertThat(moved.rule())
        .isEqualTo(new Rule(Direction.INGRESS, Protocol.TCP, 2222, 2222, Cidr4.ANY, "moved"));

    // onto the other rule: a duplicate, and nothing changes
    assertCode(
        () ->
            api.modifySecurityGroupRules(
                EU,
                g,
                List.of(
                    new Ec2Api.RuleChange(
                        ids.get(0), "tcp", 80, 80, Ip.parseCidr("10.0.0.0/8").cidr(), ""))),
        "InvalidPermission.Duplicate");
    assertCode(
        () ->
            api.modifySecurityGroupRules(
                EU, g, List.of(new Ec2Api.RuleChange(ids.get(1), "tcp", 80, 70000, Cidr4.ANY, ""))),
        "InvalidParameterValue");
    Set<String> after = new HashSet<>();
    sim.describeAllSecurityGroups(EU, GroupFilter.ids(g))
        .get(0)
        .rules()
        .forEach(o -> after.add(o.rule().display()));
    assertThat(after).hasSize(3);
    assertThat(sim.calls().count("ModifySecurityGroupRules", CallCounters.SUCCESS)).isEqualTo(1);
  }

  @Test
  void tagsGoOnEveryResourceOrNone() {
    String g = group("t", Map.of("keep", "me"));
    assertCode(
        () -> api.createTags(EU, List.of(g, "sg-0123456789abcdef0"), Map.of("k", "v")),
        "InvalidGroup.NotFound");
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.ids(g)).get(0).tags())
        .doesNotContainKey("k");

    api.createTags(EU, List.of(g, "i-0a000001"), Map.of("k", "v"));
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.ids(g)).get(0).tags())
        .containsEntry("k", "v");
    // DeleteTags naming no tag removes every tag, as EC2 does
    api.deleteTags(EU, List.of(g), Map.of());
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.ids(g)).get(0).tags()).isEmpty();
  }

  @Test
  void vpcsPrefixListsAndInterfacesAreDescribed() {
    assertThat(
            api.describeVpcs(EU, new Ec2Api.Query(null, List.of(f("cidr", "10.0.*")), null, null))
                .items())
        .extracting(Ec2Api.VpcEntry::vpcId)
        .containsExactly(VPC);
    assertThat(api.describeManagedPrefixLists(EU, new Ec2Api.Query(null, null, null, null)).items())
        .singleElement()
        .satisfies(p -> assertThat(p.size().maxEntries()).isEqualTo(10));
    assertThat(
            api.describeNetworkInterfaces(
                    EU,
                    new Ec2Api.Query(
                        null, List.of(f("attachment.instance-id", "i-0a000002")), null, null))
                .items())
        .extracting(Ec2Api.InterfaceEntry::deviceIndex)
        .containsExactly(0, 1);
    assertThat(
            api.describeInstances(EU, new Ec2Api.Query(List.of("i-0a000002"), null, null, null))
                .items())
        .singleElement()
        .satisfies(
            e -> assertThat(e.groupNames()).containsValues("default", "monitoring").hasSize(2));
    assertCode(
        () -> api.describeVpcs(EU, new Ec2Api.Query(List.of("vpc-0fffffff"), null, null, null)),
        "InvalidVpcID.NotFound");
  }
}
