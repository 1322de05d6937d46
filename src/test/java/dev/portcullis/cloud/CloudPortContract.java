package dev.portcullis.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CloudPort} must do, written once and run against each backend: the simulator
 * ({@code SimulatorCloudPortTest}) and AWS through moto ({@code AwsCloudPortIT}). Expectations
 * follow EC2's documented behaviour. A backend that is known to differ on a point overrides {@link
 * #documented} to skip that case with its reason; the simulator overrides nothing.
 *
 * <p>Each backend supplies its fixture: a region, a VPC in it, and an instance in that VPC with one
 * network interface and a known tag, and a second instance. Tests name their groups uniquely, so a
 * backend may keep its state between tests.
 */
public abstract class CloudPortContract {

  /**
   * What the backend has before the tests: two instances in the VPC, each with one interface; the
   * first has the tag {@code tagKey=tagValue}. The tests replace the groups of the first one's
   * interface, and of the second instance, each on its own so that neither case sees the other's.
   */
  public record Fixture(
      String region,
      String vpcId,
      String instanceId,
      String tagKey,
      String tagValue,
      String secondInstanceId,
      String prefixListId,
      int prefixListMaxEntries) {}

  /** Points where a test double is known to differ from EC2's documented behaviour. */
  public enum Ec2Behaviour {
    /** DescribeSecurityGroups returns at most MaxResults groups and a NextToken for the rest. */
    PAGINATES_BY_MAX_RESULTS,
    /** DeleteSecurityGroup fails with DependencyViolation while another group references it. */
    DEPENDENCY_VIOLATION_ON_DELETE,
    /** An authorize call with one duplicate rule fails whole and adds none of its rules. */
    DUPLICATE_FAILS_WHOLE_BATCH,
    /** Rules per group are counted per direction and family: 60 IPv4 ingress rules fit. */
    RULE_QUOTA_PER_DIRECTION_AND_FAMILY,
    /** ModifyInstanceAttribute with Groups replaces the groups of the primary interface. */
    INSTANCE_GROUPS_REPLACE_INTERFACE_GROUPS,
    /** RevokeSecurityGroupEgress removes the IPv6 ranges it names. */
    REVOKES_IPV6_EGRESS
  }

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  protected abstract CloudPort port();

  protected abstract Fixture fixture();

  /** The body of a case that checks one documented EC2 behaviour. */
  @FunctionalInterface
  public interface Case {
    void run() throws Exception;
  }

  /**
   * Runs a case that checks documented behaviour {@code b}. A backend known to differ from EC2 on
   * {@code b} overrides this to report the case as skipped, with the reason, when it fails as
   * expected.
   */
  protected void documented(Ec2Behaviour b, Case body) throws Exception {
    body.run();
  }

  // ---- helpers

  protected static String uniqueName(String prefix) {
    return prefix + "-" + RUN + "-" + SEQ.incrementAndGet();
  }

  private String region() {
    return fixture().region();
  }

  private SecurityGroupInfo create(String prefix, Map<String, String> tags) {
    String name = uniqueName(prefix);
    return port().createSecurityGroup(region(), fixture().vpcId(), name, "group " + name, tags);
  }

  private SecurityGroupInfo create(String prefix) {
    return create(prefix, Map.of());
  }

  private SecurityGroupInfo describe(String groupId) {
    List<SecurityGroupInfo> found =
        port().describeSecurityGroups(region(), GroupFilter.ids(groupId), null, null).items();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private List<Rule> rules(String groupId, Direction d) {
    return describe(groupId).rules().stream()
        .map(ObservedRule::rule)
        .filter(r -> r.direction() == d)
        .toList();
  }

  private static Peer cidr(String text) {
    return Ip.parseCidr(text).cidr();
  }

  private static Rule tcp(Direction d, int port, Peer peer, String description) {
    return new Rule(d, Protocol.TCP, port, port, peer, description);
  }

  private static CloudException failure(Runnable call) {
    try {
      call.run();
    } catch (CloudException e) {
      return e;
    }
    throw new AssertionError("expected the call to fail with a CloudException");
  }

  private static void assertFailure(Runnable call, String code, CloudException.Kind kind) {
    CloudException e = failure(call);
    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
    assertThat(e.kind()).isEqualTo(kind);
  }

  // ---- groups

  @Test
  void aNewGroupHasTheDefaultEgressRuleAndItsTags() {
    SecurityGroupInfo created = create("new", Map.of("team", "net", "empty", ""));
    assertThat(created.groupId()).startsWith("sg-");
    SecurityGroupInfo g = describe(created.groupId());
    assertThat(g.groupName()).isEqualTo(created.groupName());
    assertThat(g.description()).isEqualTo("group " + created.groupName());
    assertThat(g.vpcId()).isEqualTo(fixture().vpcId());
    assertThat(g.tags()).isEqualTo(Map.of("team", "net", "empty", ""));
    assertThat(g.rules()).hasSize(1);
    assertThat(g.rules().get(0).rule()).isEqualTo(Rule.DEFAULT_EGRESS);
    assertThat(g.rules().get(0).ruleId()).startsWith("sgr-");
  }

  @Test
  void aSecondGroupOfTheSameNameInTheVpcIsADuplicate() {
    SecurityGroupInfo g = create("dup");
    assertFailure(
        () ->
            port()
                .createSecurityGroup(region(), fixture().vpcId(), g.groupName(), "again", Map.of()),
        "InvalidGroup.Duplicate",
        CloudException.Kind.CONFLICT);
  }

  @Test
  void describeFiltersByNameVpcAndTag() {
    String tag = uniqueName("t");
    SecurityGroupInfo a = create("fa", Map.of("filter", tag));
    SecurityGroupInfo b = create("fb", Map.of("filter", tag, "pick", "yes"));
    CloudPort p = port();
    assertThat(
            p
                .describeAllSecurityGroups(
                    region(), new GroupFilter(null, List.of(a.groupName()), null, null))
                .stream()
                .map(SecurityGroupInfo::groupId))
        .containsExactly(a.groupId());
    assertThat(
            p
                .describeAllSecurityGroups(
                    region(), new GroupFilter(null, null, fixture().vpcId(), null))
                .stream()
                .map(SecurityGroupInfo::groupId))
        .contains(a.groupId(), b.groupId());
    assertThat(
            p.describeAllSecurityGroups(region(), GroupFilter.tags(Map.of("filter", tag))).stream()
                .map(SecurityGroupInfo::groupId))
        .containsExactlyInAnyOrder(a.groupId(), b.groupId());
    assertThat(
            p
                .describeAllSecurityGroups(
                    region(), GroupFilter.tags(Map.of("filter", tag, "pick", "yes")))
                .stream()
                .map(SecurityGroupInfo::groupId))
        .containsExactly(b.groupId());
    assertThat(
            p
                .describeAllSecurityGroups(region(), GroupFilter.ids(a.groupId(), b.groupId()))
                .stream()
                .map(SecurityGroupInfo::groupId))
        .containsExactlyInAnyOrder(a.groupId(), b.groupId());
  }

  @Test
  void describePagesByMaxResults() throws Exception {
    documented(
        Ec2Behaviour.PAGINATES_BY_MAX_RESULTS,
        () -> {
          String tag = uniqueName("page");
          Set<String> made = new HashSet<>();
          for (int i = 0; i < 7; i++) {
            made.add(create("pg", Map.of("page", tag)).groupId());
          }
          GroupFilter f = GroupFilter.tags(Map.of("page", tag));
          Page<SecurityGroupInfo> first = port().describeSecurityGroups(region(), f, null, 5);
          assertThat(first.items()).hasSizeLessThanOrEqualTo(5);
          assertThat(first.nextToken()).isNotNull();
          Set<String> seen = new HashSet<>();
          first.items().forEach(g -> seen.add(g.groupId()));
          String token = first.nextToken();
          int pages = 1;
          while (token != null && pages < 10) {
            Page<SecurityGroupInfo> next = port().describeSecurityGroups(region(), f, token, 5);
            assertThat(next.items()).hasSizeLessThanOrEqualTo(5);
            next.items().forEach(g -> seen.add(g.groupId()));
            token = next.nextToken();
            pages++;
          }
          assertThat(seen).isEqualTo(made);
        });
  }

  @Test
  void describingAnUnknownGroupIdIsNotFound() {
    assertFailure(
        () ->
            port()
                .describeSecurityGroups(
                    region(), GroupFilter.ids("sg-0123456789abcdef0"), null, null),
        "InvalidGroup.NotFound",
        CloudException.Kind.NOT_FOUND);
  }

  @Test
  void aDeletedGroupIsGone() {
    SecurityGroupInfo g = create("del");
    port().deleteSecurityGroup(region(), g.groupId());
    assertFailure(
        () -> port().describeSecurityGroups(region(), GroupFilter.ids(g.groupId()), null, null),
        "InvalidGroup.NotFound",
        CloudException.Kind.NOT_FOUND);
    assertFailure(
        () -> port().deleteSecurityGroup(region(), g.groupId()),
        "InvalidGroup.NotFound",
        CloudException.Kind.NOT_FOUND);
  }

  @Test
  void aGroupReferencedByAnotherCannotBeDeleted() throws Exception {
    documented(
        Ec2Behaviour.DEPENDENCY_VIOLATION_ON_DELETE,
        () -> {
          SecurityGroupInfo target = create("used");
          SecurityGroupInfo user = create("user");
          port()
              .authorize(
                  region(),
                  user.groupId(),
                  Direction.INGRESS,
                  List.of(tcp(Direction.INGRESS, 5432, new GroupPeer(target.groupId()), "")));
          assertFailure(
              () -> port().deleteSecurityGroup(region(), target.groupId()),
              "DependencyViolation",
              CloudException.Kind.CONFLICT);
          assertThat(describe(target.groupId()).groupId()).isEqualTo(target.groupId());
        });
  }

  // ---- tags

  @Test
  void tagsAreAddedOverwrittenAndRemoved() {
    SecurityGroupInfo g = create("tags", Map.of("a", "1"));
    port().createTags(region(), g.groupId(), Map.of("a", "2", "b", "x", "c", "y", "d", ""));
    assertThat(describe(g.groupId()).tags())
        .isEqualTo(Map.of("a", "2", "b", "x", "c", "y", "d", ""));
    Map<String, String> remove = new HashMap<>();
    remove.put("a", null); // whatever its value
    remove.put("b", "x"); // only while it is x
    remove.put("c", "other"); // not removed: another value
    remove.put("missing", null); // ignored
    port().deleteTags(region(), g.groupId(), remove);
    assertThat(describe(g.groupId()).tags()).isEqualTo(Map.of("c", "y", "d", ""));
  }

  // ---- rules

  @Test
  void authorizeAndRevokeBatchesOfBothDirections() {
    SecurityGroupInfo g = create("rules");
    SecurityGroupInfo other = create("peer");
    List<Rule> in =
        List.of(
            tcp(Direction.INGRESS, 22, cidr("203.0.113.7/32"), "office"),
            tcp(Direction.INGRESS, 22, cidr("198.51.100.0/24"), ""),
            tcp(Direction.INGRESS, 443, cidr("2001:db8::/64"), "v6 clients"),
            tcp(Direction.INGRESS, 443, cidr("0.0.0.0/0"), ""),
            new Rule(Direction.INGRESS, Protocol.ICMP, 8, -1, cidr("10.0.0.0/16"), "ping"),
            new Rule(
                Direction.INGRESS, Protocol.ALL, -1, -1, new GroupPeer(other.groupId()), "peers"));
    List<String> ids = port().authorize(region(), g.groupId(), Direction.INGRESS, in);
    assertThat(ids)
        .hasSize(in.size())
        .allMatch(id -> id.startsWith("sgr-"))
        .doesNotHaveDuplicates();
    assertThat(rules(g.groupId(), Direction.INGRESS)).containsExactlyInAnyOrderElementsOf(in);

    List<Rule> out =
        List.of(
            tcp(Direction.EGRESS, 5432, new GroupPeer(other.groupId()), "db"),
            new Rule(Direction.EGRESS, Protocol.UDP, 53, 53, cidr("::/0"), ""));
    port().authorize(region(), g.groupId(), Direction.EGRESS, out);
    List<Rule> egress = new ArrayList<>(out);
    egress.add(Rule.DEFAULT_EGRESS);
    assertThat(rules(g.groupId(), Direction.EGRESS)).containsExactlyInAnyOrderElementsOf(egress);

    // every observed rule carries its own id
    assertThat(describe(g.groupId()).rules())
        .allMatch(o -> o.ruleId() != null && o.ruleId().startsWith("sgr-"))
        .extracting(ObservedRule::ruleId)
        .doesNotHaveDuplicates();

    port()
        .revoke(region(), g.groupId(), Direction.INGRESS, List.of(in.get(0), in.get(2), in.get(5)));
    assertThat(rules(g.groupId(), Direction.INGRESS))
        .containsExactlyInAnyOrder(in.get(1), in.get(3), in.get(4));
    port()
        .revoke(region(), g.groupId(), Direction.EGRESS, List.of(Rule.DEFAULT_EGRESS, out.get(0)));
    assertThat(rules(g.groupId(), Direction.EGRESS)).containsExactly(out.get(1));
  }

  @Test
  void anIpv6EgressRuleIsRevoked() throws Exception {
    documented(
        Ec2Behaviour.REVOKES_IPV6_EGRESS,
        () -> {
          SecurityGroupInfo g = create("rev6");
          Rule dns = new Rule(Direction.EGRESS, Protocol.UDP, 53, 53, cidr("::/0"), "");
          port().authorize(region(), g.groupId(), Direction.EGRESS, List.of(dns));
          port().revoke(region(), g.groupId(), Direction.EGRESS, List.of(dns, Rule.DEFAULT_EGRESS));
          assertThat(rules(g.groupId(), Direction.EGRESS)).isEmpty();
        });
  }

  @Test
  void authorizingAnExistingRuleIsADuplicate() {
    SecurityGroupInfo g = create("dupr");
    Rule ssh = tcp(Direction.INGRESS, 22, cidr("203.0.113.7/32"), "");
    port().authorize(region(), g.groupId(), Direction.INGRESS, List.of(ssh));
    assertFailure(
        () -> port().authorize(region(), g.groupId(), Direction.INGRESS, List.of(ssh)),
        "InvalidPermission.Duplicate",
        CloudException.Kind.CONFLICT);
  }

  @Test
  void aBatchWithOneDuplicateAddsNothing() throws Exception {
    documented(
        Ec2Behaviour.DUPLICATE_FAILS_WHOLE_BATCH,
        () -> {
          SecurityGroupInfo g = create("dupb");
          Rule ssh = tcp(Direction.INGRESS, 22, cidr("203.0.113.7/32"), "");
          Rule https = tcp(Direction.INGRESS, 443, cidr("203.0.113.7/32"), "");
          port().authorize(region(), g.groupId(), Direction.INGRESS, List.of(ssh));
          assertFailure(
              () -> port().authorize(region(), g.groupId(), Direction.INGRESS, List.of(https, ssh)),
              "InvalidPermission.Duplicate",
              CloudException.Kind.CONFLICT);
          assertThat(rules(g.groupId(), Direction.INGRESS)).containsExactly(ssh);
        });
  }

  @Test
  void revokingARuleTheGroupDoesNotHaveIsNotFound() {
    SecurityGroupInfo g = create("revm");
    assertFailure(
        () ->
            port()
                .revoke(
                    region(),
                    g.groupId(),
                    Direction.INGRESS,
                    List.of(tcp(Direction.INGRESS, 22, cidr("203.0.113.7/32"), ""))),
        "InvalidPermission.NotFound",
        CloudException.Kind.NOT_FOUND);
  }

  @Test
  void rulesOnAnUnknownGroupAreNotFound() {
    assertFailure(
        () ->
            port()
                .authorize(
                    region(),
                    "sg-0123456789abcdef0",
                    Direction.INGRESS,
                    List.of(tcp(Direction.INGRESS, 22, cidr("203.0.113.7/32"), ""))),
        "InvalidGroup.NotFound",
        CloudException.Kind.NOT_FOUND);
  }

  @Test
  void descriptionsChangeInPlace() {
    SecurityGroupInfo g = create("desc");
    Rule ssh = tcp(Direction.INGRESS, 22, cidr("203.0.113.7/32"), "old");
    String id = port().authorize(region(), g.groupId(), Direction.INGRESS, List.of(ssh)).get(0);
    port()
        .updateRuleDescriptions(
            region(), g.groupId(), Direction.INGRESS, List.of(ssh.withDescription("new")));
    assertThat(describe(g.groupId()).rules())
        .contains(new ObservedRule(id, ssh.withDescription("new")));
  }

  @Test
  void sixtyOneIpv4IngressRulesExceedTheQuota() throws Exception {
    documented(
        Ec2Behaviour.RULE_QUOTA_PER_DIRECTION_AND_FAMILY,
        () -> {
          SecurityGroupInfo g = create("quota");
          List<Rule> sixty = new ArrayList<>();
          for (int i = 0; i < 60; i++) {
            sixty.add(tcp(Direction.INGRESS, 1000 + i, cidr("10.0.0.0/8"), ""));
          }
          port().authorize(region(), g.groupId(), Direction.INGRESS, sixty);
          // the other direction and family have their own count
          port()
              .authorize(
                  region(),
                  g.groupId(),
                  Direction.INGRESS,
                  List.of(tcp(Direction.INGRESS, 22, cidr("2001:db8::/64"), "")));
          assertFailure(
              () ->
                  port()
                      .authorize(
                          region(),
                          g.groupId(),
                          Direction.INGRESS,
                          List.of(tcp(Direction.INGRESS, 22, cidr("10.0.0.0/8"), ""))),
              "RulesPerSecurityGroupLimitExceeded",
              CloudException.Kind.INVALID);
        });
  }

  // ---- instances

  @Test
  void describeInstancesByIdAndTag() {
    Fixture f = fixture();
    List<InstanceInfo> byId =
        port().describeAllInstances(region(), new InstanceFilter(List.of(f.instanceId()), null));
    assertThat(byId).hasSize(1);
    InstanceInfo i = byId.get(0);
    assertThat(i.instanceId()).isEqualTo(f.instanceId());
    assertThat(i.vpcId()).isEqualTo(f.vpcId());
    assertThat(i.tags()).containsEntry(f.tagKey(), f.tagValue());
    assertThat(i.interfaces()).hasSize(1);
    assertThat(i.interfaces().get(0).deviceIndex()).isZero();
    assertThat(i.interfaces().get(0).interfaceId()).startsWith("eni-");
    assertThat(i.interfaces().get(0).groupIds()).isNotEmpty();

    List<InstanceInfo> byTag =
        port()
            .describeAllInstances(
                region(), new InstanceFilter(null, Map.of(f.tagKey(), f.tagValue())));
    assertThat(byTag).extracting(InstanceInfo::instanceId).contains(f.instanceId());
    assertThat(byTag).allMatch(x -> f.tagValue().equals(x.tags().get(f.tagKey())));
  }

  @Test
  void anUnknownInstanceIsNotFound() {
    assertFailure(
        () ->
            port()
                .describeInstances(
                    region(), new InstanceFilter(List.of("i-0123456789abcdef0"), null), null, null),
        "InvalidInstanceID.NotFound",
        CloudException.Kind.NOT_FOUND);
  }

  @Test
  void theGroupsOfAnInterfaceAreReplaced() {
    Fixture f = fixture();
    SecurityGroupInfo a = create("nica");
    SecurityGroupInfo b = create("nicb");
    String eni = instance(f.instanceId()).interfaces().get(0).interfaceId();
    port().setInterfaceGroups(region(), eni, List.of(a.groupId(), b.groupId()));
    assertThat(instance(f.instanceId()).interfaces().get(0).groupIds())
        .containsExactlyInAnyOrder(a.groupId(), b.groupId());
    port().setInterfaceGroups(region(), eni, List.of(b.groupId()));
    assertThat(instance(f.instanceId()).interfaces().get(0).groupIds())
        .containsExactly(b.groupId());
  }

  @Test
  void theGroupsOfAnInstanceAreReplaced() throws Exception {
    documented(
        Ec2Behaviour.INSTANCE_GROUPS_REPLACE_INTERFACE_GROUPS,
        () -> {
          Fixture f = fixture();
          SecurityGroupInfo a = create("insta");
          port().setInstanceGroups(region(), f.secondInstanceId(), List.of(a.groupId()));
          assertThat(instance(f.secondInstanceId()).interfaces().get(0).groupIds())
              .containsExactly(a.groupId());
        });
  }

  @Test
  void theInterfacesThatCarryAGroupAreDescribed() {
    Fixture f = fixture();
    SecurityGroupInfo a = create("nicd");
    String eni = instance(f.instanceId()).interfaces().get(0).interfaceId();
    assertThat(port().describeAllNetworkInterfaces(region(), a.groupId())).isEmpty();

    port().setInterfaceGroups(region(), eni, List.of(a.groupId()));
    List<NetworkInterfaceInfo> carrying =
        port().describeAllNetworkInterfaces(region(), a.groupId());
    assertThat(carrying).extracting(NetworkInterfaceInfo::interfaceId).containsExactly(eni);
    assertThat(carrying.get(0).instanceId()).isEqualTo(f.instanceId());
    assertThat(carrying.get(0).groupIds()).containsExactly(a.groupId());
    assertThat(carrying.get(0).display()).isEqualTo(eni + " of instance " + f.instanceId());
  }

  @Test
  void anUnknownInterfaceIsNotFound() {
    SecurityGroupInfo a = create("nicx");
    assertFailure(
        () -> port().setInterfaceGroups(region(), "eni-0123456789abcdef0", List.of(a.groupId())),
        "InvalidNetworkInterfaceID.NotFound",
        CloudException.Kind.NOT_FOUND);
  }

  @Test
  void aPrefixListsSizeIsItsMaximumEntries() {
    Fixture f = fixture();
    assertThat(port().describePrefixListSizes(region(), List.of(f.prefixListId())))
        .containsExactly(
            Map.entry(
                f.prefixListId(),
                new RuleCounts.PrefixListSize(
                    f.prefixListMaxEntries(), RuleCounts.PrefixListSize.Family.IPV4)));
  }

  @Test
  void anUnknownPrefixListIsNotFound() {
    assertFailure(
        () ->
            port()
                .describePrefixListSizes(
                    region(), List.of(fixture().prefixListId(), "pl-0badbad0")),
        "InvalidPrefixListID.NotFound",
        CloudException.Kind.NOT_FOUND);
  }

  private InstanceInfo instance(String id) {
    return port().describeAllInstances(region(), new InstanceFilter(List.of(id), null)).get(0);
  }
}
