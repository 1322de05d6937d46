package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Fixtures.EU;
import static dev.portcullis.cloud.simulator.Fixtures.PREFIX_LIST;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_A;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_B;
import static dev.portcullis.cloud.simulator.Fixtures.create;
import static dev.portcullis.cloud.simulator.Fixtures.defaultGroupId;
import static dev.portcullis.cloud.simulator.Fixtures.failure;
import static dev.portcullis.cloud.simulator.Fixtures.rules;
import static dev.portcullis.cloud.simulator.Fixtures.tcpIn;
import static dev.portcullis.cloud.simulator.Fixtures.tcpOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleKey;
import dev.portcullis.engine.SelfPeer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class Ec2SimulatorRulesTest {
  private final Ec2Simulator sim = Fixtures.demo();
  private final String web = create(sim, EU, VPC_A, "web").groupId();

  private static Rule v6In(int port, String cidr) {
    return new Rule(
        Direction.INGRESS, Protocol.TCP, port, port, (Cidr6) Ip.parseCidr(cidr).cidr(), "");
  }

  private List<Rule> ingress() {
    return rules(sim, EU, web).stream().filter(r -> r.direction() == Direction.INGRESS).toList();
  }

  @Test
  void authorizeAddsRulesAndReturnsTheirIds() {
    Rule ssh = tcpIn(22, "203.0.113.7/32").withDescription("office");
    Rule https = tcpIn(443, "0.0.0.0/0");
    List<String> ids = sim.authorize(EU, web, Direction.INGRESS, List.of(ssh, https));
    assertThat(ids)
        .hasSize(2)
        .allMatch(id -> id.matches("sgr-[0-9a-f]{17}"))
        .doesNotHaveDuplicates();
    assertThat(Fixtures.group(sim, EU, web).rules())
        .contains(new ObservedRule(ids.get(0), ssh), new ObservedRule(ids.get(1), https));
    assertThat(ingress()).containsExactlyInAnyOrder(ssh, https);
  }

  @Test
  void aRuleAlreadyThereIsADuplicate() {
    sim.authorize(EU, web, Direction.INGRESS, List.of(tcpIn(22, "0.0.0.0/0")));
    CloudException e =
        failure(
            () ->
                sim.authorize(
                    EU,
                    web,
                    Direction.INGRESS,
                    List.of(tcpIn(22, "0.0.0.0/0").withDescription("x"))));
    assertThat(e.code()).isEqualTo("InvalidPermission.Duplicate");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.CONFLICT);
    assertThat(e.getMessage())
        .isEqualTo(
            "InvalidPermission.Duplicate: the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22,"
                + " to port: 22, ALLOW\" already exists");
    CloudException egress =
        failure(() -> sim.authorize(EU, web, Direction.EGRESS, List.of(Rule.DEFAULT_EGRESS)));
    assertThat(egress.getMessage()).contains("\"peer: 0.0.0.0/0, ALL, from port: -1, to port: -1");
  }

  @Test
  void aBatchWithOneDuplicateChangesNothing() {
    Rule existing = tcpIn(22, "10.0.0.0/8");
    sim.authorize(EU, web, Direction.INGRESS, List.of(existing));
    List<ObservedRule> before = Fixtures.group(sim, EU, web).rules();

    CloudException e =
        failure(
            () ->
                sim.authorize(
                    EU,
                    web,
                    Direction.INGRESS,
                    List.of(tcpIn(80, "0.0.0.0/0"), tcpIn(443, "0.0.0.0/0"), existing)));
    assertThat(e.code()).isEqualTo("InvalidPermission.Duplicate");
    assertThat(Fixtures.group(sim, EU, web).rules()).isEqualTo(before);

    CloudException twice =
        failure(
            () ->
                sim.authorize(
                    EU,
                    web,
                    Direction.INGRESS,
                    List.of(tcpIn(80, "0.0.0.0/0"), tcpIn(80, "0.0.0.0/0"))));
    assertThat(twice.code()).isEqualTo("InvalidPermission.Duplicate");
    assertThat(twice.getMessage()).endsWith("(it appears twice in this request)");
    assertThat(Fixtures.group(sim, EU, web).rules()).isEqualTo(before);
  }

  @Test
  void revokeRemovesByKeyAndIsAtomic() {
    Rule a = tcpIn(22, "10.0.0.0/8").withDescription("admins");
    Rule b = tcpIn(80, "0.0.0.0/0");
    sim.authorize(EU, web, Direction.INGRESS, List.of(a, b));

    CloudException e =
        failure(() -> sim.revoke(EU, web, Direction.INGRESS, List.of(a, tcpIn(81, "0.0.0.0/0"))));
    assertThat(e.code()).isEqualTo("InvalidPermission.NotFound");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.NOT_FOUND);
    assertThat(e.getMessage())
        .isEqualTo(
            "InvalidPermission.NotFound: The specified rule does not exist in this security group:"
                + " \"peer: 0.0.0.0/0, TCP, from port: 81, to port: 81, ALLOW\"");
    assertThat(ingress()).containsExactlyInAnyOrder(a, b);

    // The description is not part of a rule's identity.
    sim.revoke(EU, web, Direction.INGRESS, List.of(a.withDescription(""), b, b));
    assertThat(ingress()).isEmpty();
    sim.revoke(EU, web, Direction.EGRESS, List.of(Rule.DEFAULT_EGRESS));
    assertThat(rules(sim, EU, web)).isEmpty();
  }

  @Test
  void theRuleQuotaCountsIpv4AndIpv6SeparatelyPerDirection() {
    List<Rule> v4 = new ArrayList<>();
    List<Rule> v6 = new ArrayList<>();
    for (int port = 1; port <= 60; port++) {
      v4.add(tcpIn(port, "10.0.0.0/8"));
      v6.add(v6In(port, "2001:db8::/32"));
    }
    sim.authorize(EU, web, Direction.INGRESS, v4);
    sim.authorize(EU, web, Direction.INGRESS, v6);
    // Egress has its own quota.
    sim.authorize(EU, web, Direction.EGRESS, List.of(tcpOut(443, "10.0.0.0/8")));

    CloudException e =
        failure(() -> sim.authorize(EU, web, Direction.INGRESS, List.of(tcpIn(61, "10.0.0.0/8"))));
    assertThat(e.code()).isEqualTo("RulesPerSecurityGroupLimitExceeded");
    assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID);
    assertThat(e.getMessage())
        .isEqualTo(
            "RulesPerSecurityGroupLimitExceeded: The maximum number of rules per security group has"
                + " been reached: "
                + web
                + " would have 61 IPv4 and 60 IPv6 ingress rules, above the quota of 60");
    assertThat(ingress()).hasSize(120);
  }

  @Test
  void groupReferencesAndPrefixListsCountAsEc2CountsThem() {
    Ec2Simulator small =
        Ec2Simulator.builder()
            .world(Fixtures.DEMO)
            .throttling(ThrottlingMode.OFF)
            .quotas(new Quotas(12, 5))
            .build();
    String g = create(small, EU, VPC_A, "g").groupId();
    String peer = create(small, EU, VPC_A, "peer").groupId();
    // A prefix list counts as its 10 entries (IPv4); a group reference as one IPv4 and one IPv6.
    Rule pl = tcpIn(443, "0.0.0.0/0").withPeer(new PrefixListPeer(PREFIX_LIST));
    Rule ref = tcpIn(443, "0.0.0.0/0").withPeer(new GroupPeer(peer));
    small.authorize(EU, g, Direction.INGRESS, List.of(pl, ref, tcpIn(22, "10.0.0.0/8")));
    CloudException e =
        failure(() -> small.authorize(EU, g, Direction.INGRESS, List.of(tcpIn(23, "10.0.0.0/8"))));
    assertThat(e.getMessage()).contains("would have 13 IPv4 and 1 IPv6 ingress rules");
    small.authorize(EU, g, Direction.INGRESS, List.of(v6In(22, "::/0")));
  }

  @Test
  void referencedGroupsMustExistInTheSameVpc() {
    Rule unknown = tcpIn(22, "0.0.0.0/0").withPeer(new GroupPeer("sg-0123456789abcdef0"));
    CloudException e = failure(() -> sim.authorize(EU, web, Direction.INGRESS, List.of(unknown)));
    assertThat(e.getMessage())
        .isEqualTo(
            "InvalidGroup.NotFound: The security group 'sg-0123456789abcdef0' does not exist");

    String otherVpc = create(sim, EU, VPC_B, "elsewhere").groupId();
    Rule cross = tcpIn(22, "0.0.0.0/0").withPeer(new GroupPeer(otherVpc));
    CloudException c = failure(() -> sim.authorize(EU, web, Direction.INGRESS, List.of(cross)));
    assertThat(c.code()).isEqualTo("InvalidGroup.NotFound");
    assertThat(c.getMessage()).endsWith("'" + otherVpc + "' does not exist in VPC '" + VPC_A + "'");

    Rule malformed = tcpIn(22, "0.0.0.0/0").withPeer(new GroupPeer("sg-nothex"));
    assertThat(failure(() -> sim.authorize(EU, web, Direction.INGRESS, List.of(malformed))).code())
        .isEqualTo("InvalidGroupId.Malformed");
    Rule pl = tcpIn(22, "0.0.0.0/0").withPeer(new PrefixListPeer("pl-0fffffff"));
    assertThat(failure(() -> sim.authorize(EU, web, Direction.INGRESS, List.of(pl))).getMessage())
        .isEqualTo("InvalidPrefixListID.NotFound: The prefix list ID 'pl-0fffffff' does not exist");
    assertThat(
            failure(
                    () ->
                        sim.authorize(
                            EU,
                            "sg-0123456789abcdef0",
                            Direction.INGRESS,
                            List.of(tcpIn(22, "0.0.0.0/0"))))
                .code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(ingress()).isEmpty();

    String sameVpc = defaultGroupId(sim, EU, VPC_A);
    sim.authorize(
        EU,
        web,
        Direction.INGRESS,
        List.of(tcpIn(22, "0.0.0.0/0").withPeer(new GroupPeer(sameVpc))));
  }

  @Test
  void unresolvedPeersAndMixedDirectionsAreProgrammingErrors() {
    Rule named = tcpIn(22, "0.0.0.0/0").withPeer(new NamedGroupPeer("web"));
    assertThatThrownBy(() -> sim.authorize(EU, web, Direction.INGRESS, List.of(named)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unresolved peer");
    Rule self = tcpIn(22, "0.0.0.0/0").withPeer(SelfPeer.INSTANCE);
    assertThatThrownBy(() -> sim.revoke(EU, web, Direction.INGRESS, List.of(self)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> sim.authorize(EU, web, Direction.EGRESS, List.of(tcpIn(22, "0.0.0.0/0"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is ingress, not egress");
  }

  @Test
  void malformedRulesAreInvalidParameterValues() {
    Rule range = new Rule(Direction.INGRESS, Protocol.TCP, 90, 80, Fixtures.cidr4("0.0.0.0/0"), "");
    Rule icmp = new Rule(Direction.INGRESS, Protocol.ICMP, -1, 3, Fixtures.cidr4("0.0.0.0/0"), "");
    Rule gre = new Rule(Direction.INGRESS, new Protocol(47), 0, 0, Fixtures.cidr4("0.0.0.0/0"), "");
    Rule desc = tcpIn(22, "0.0.0.0/0").withDescription("caf\u00e9");
    Rule longDesc = tcpIn(22, "0.0.0.0/0").withDescription("d".repeat(256));
    for (Rule bad : List.of(range, icmp, gre, desc, longDesc)) {
      CloudException e = failure(() -> sim.authorize(EU, web, Direction.INGRESS, List.of(bad)));
      assertThat(e.code()).as(bad.display()).isEqualTo("InvalidParameterValue");
    }
    assertThat(ingress()).isEmpty();
    assertThat(failure(() -> sim.authorize(EU, web, Direction.INGRESS, List.of())).code())
        .isEqualTo("MissingParameter");
  }

  @Test
  void descriptionsChangeInPlace() {
    Rule ssh = tcpIn(22, "10.0.0.0/8").withDescription("old");
    String id = sim.authorize(EU, web, Direction.INGRESS, List.of(ssh)).get(0);
    sim.updateRuleDescriptions(EU, web, Direction.INGRESS, List.of(ssh.withDescription("new")));
    assertThat(Fixtures.group(sim, EU, web).rules())
        .contains(new ObservedRule(id, ssh.withDescription("new")));

    CloudException e =
        failure(
            () ->
                sim.updateRuleDescriptions(
                    EU,
                    web,
                    Direction.INGRESS,
                    List.of(ssh.withDescription("newer"), tcpIn(23, "10.0.0.0/8"))));
    assertThat(e.code()).isEqualTo("InvalidPermission.NotFound");
    assertThat(ingress()).containsExactly(ssh.withDescription("new"));
    assertThat(
            failure(
                    () ->
                        sim.updateRuleDescriptions(
                            EU, web, Direction.INGRESS, List.of(ssh.withDescription("\"q\""))))
                .code())
        .isEqualTo("InvalidParameterValue");
  }

  @Test
  void concurrentAuthorizationsLoseNothing() throws Exception {
    Ec2Simulator big =
        Ec2Simulator.builder()
            .world(Fixtures.DEMO)
            .throttling(ThrottlingMode.OFF)
            .quotas(new Quotas(200, 5))
            .build();
    String g = create(big, EU, VPC_A, "busy").groupId();
    int threads = 8;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    int port = 1000 + thread * perThread + i;
                    ids.addAll(
                        big.authorize(
                            EU, g, Direction.INGRESS, List.of(tcpIn(port, "10.0.0.0/8"))));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Set<Integer> ports =
        rules(big, EU, g).stream()
            .filter(r -> r.direction() == Direction.INGRESS)
            .map(Rule::fromPort)
            .collect(Collectors.toSet());
    assertThat(ports).hasSize(threads * perThread);
    assertThat(ports).allMatch(p -> p >= 1000 && p < 1000 + threads * perThread);
    assertThat(new HashSet<>(ids)).hasSize(threads * perThread);
    assertThat(big.calls().count(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, CallCounters.SUCCESS))
        .isEqualTo(threads * perThread);
  }

  /**
   * Any sequence of authorize and revoke batches leaves the group holding exactly what a plain set
   * would: successful calls apply whole, failed calls apply nothing.
   */
  @Test
  void batchesApplyWholeOrNotAtAll() {
    List<Rule> pool = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      pool.add(tcpIn(8000 + i, "10.0.0.0/8").withDescription("r" + i));
    }
    qt().withFixedSeed(42)
        .withExamples(60)
        .forAll(
            lists()
                .of(lists().of(integers().between(0, 15)).ofSizeBetween(1, 4))
                .ofSizeBetween(1, 20))
        .checkAssert(
            batches -> {
              Ec2Simulator s =
                  Ec2Simulator.builder()
                      .world(Fixtures.DEMO)
                      .throttling(ThrottlingMode.OFF)
                      .build();
              String g = create(s, EU, VPC_A, "prop").groupId();
              Set<RuleKey> model = new HashSet<>();
              for (List<Integer> batch : batches) {
                boolean revoke = batch.get(0) >= 8;
                List<Rule> rules = batch.stream().map(i -> pool.get(i % 8)).toList();
                List<RuleKey> keys = rules.stream().map(Rule::key).toList();
                boolean expectOk =
                    revoke
                        ? model.containsAll(keys)
                        : new HashSet<>(keys).size() == keys.size()
                            && keys.stream().noneMatch(model::contains);
                try {
                  if (revoke) {
                    s.revoke(EU, g, Direction.INGRESS, rules);
                  } else {
                    s.authorize(EU, g, Direction.INGRESS, rules);
                  }
                  assertThat(expectOk)
                      .as("%s %s succeeded", revoke ? "revoke" : "authorize", keys)
                      .isTrue();
                  if (revoke) {
                    keys.forEach(model::remove);
                  } else {
                    model.addAll(keys);
                  }
                } catch (CloudException e) {
                  assertThat(expectOk).as("%s failed with %s", keys, e.code()).isFalse();
                  assertThat(e.code())
                      .isEqualTo(
                          revoke ? "InvalidPermission.NotFound" : "InvalidPermission.Duplicate");
                }
                assertThat(
                        rules(s, EU, g).stream()
                            .filter(r -> r.direction() == Direction.INGRESS)
                            .map(Rule::key)
                            .collect(Collectors.toSet()))
                    .isEqualTo(model);
              }
            });
  }
}
