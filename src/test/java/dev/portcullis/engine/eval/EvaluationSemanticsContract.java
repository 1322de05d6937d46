package dev.portcullis.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The EC2 semantics every {@link FlowEvaluator} must have, one test per statement. Run against each
 * implementation by a subclass.
 */
abstract class EvaluationSemanticsContract {
  private static final String REGION = "eu-west-1";
  private static final String VPC = "vpc-main";
  private static final String LAPTOP = "203.0.113.7";

  protected abstract FlowEvaluator evaluator(Estate estate);

  // ------------------------------------------------------------------ a small estate builder

  private final List<GroupState> groups = new ArrayList<>();
  private final List<InstanceState> instances = new ArrayList<>();

  private static int ip(String text) {
    return Ip.parse4(text).orElseThrow();
  }

  private static Peer cidr(String text) {
    return Ip.parseCidr(text).cidr();
  }

  private static Rule in(Protocol p, int from, int to, Peer peer) {
    return new Rule(Direction.INGRESS, p, from, to, peer, "");
  }

  private static Rule out(Protocol p, int from, int to, Peer peer) {
    return new Rule(Direction.EGRESS, p, from, to, peer, "");
  }

  private static Rule tcpIn(int port, Peer peer) {
    return in(Protocol.TCP, port, port, peer);
  }

  /** A group as EC2 creates it: with the default allow-all egress rule, plus the given rules. */
  private void group(String id, Rule... rules) {
    groupIn(REGION, VPC, id, withDefaultEgress(rules));
  }

  private static List<Rule> withDefaultEgress(Rule... rules) {
    List<Rule> all = new ArrayList<>(Arrays.asList(rules));
    all.add(Rule.DEFAULT_EGRESS);
    return all;
  }

  /** A group whose default egress rule was removed. */
  private void groupWithoutEgress(String id, Rule... rules) {
    groupIn(REGION, VPC, id, List.of(rules));
  }

  private void groupIn(String region, String vpc, String id, List<Rule> rules) {
    groups.add(new GroupState(id, id.substring(3), region, vpc, rules));
  }

  /**
   * An instance of the main VPC, with a public IP and an IPv6 address (so any source reaches it).
   */
  private void instance(String id, String privateIp, String... groupIds) {
    reachable(id, privateIp, Set.of(), groupIds);
  }

  private void listening(String id, String privateIp, int tcpPort, String... groupIds) {
    reachable(id, privateIp, Set.of(new Listener(Protocol.TCP, tcpPort)), groupIds);
  }

  private void reachable(String id, String privateIp, Set<Listener> listeners, String... groupIds) {
    int n = instances.size() + 1;
    instanceWith(
        REGION,
        VPC,
        id,
        privateIp,
        "3.0.0." + n,
        Ip.parse6("2001:db8:ffff::" + n).orElseThrow(),
        listeners,
        groupIds);
  }

  private void instanceIn(
      String region,
      String vpc,
      String id,
      String privateIp,
      String publicIp,
      Set<Listener> listeners,
      String... groupIds) {
    instanceWith(region, vpc, id, privateIp, publicIp, null, listeners, groupIds);
  }

  private void instanceWith(
      String region,
      String vpc,
      String id,
      String privateIp,
      String publicIp,
      long[] ipv6,
      Set<Listener> listeners,
      String... groupIds) {
    instances.add(
        new InstanceState(
            id,
            region,
            vpc,
            List.of(
                new NetworkInterface(
                    "eni-" + id,
                    ip(privateIp),
                    publicIp == null ? null : ip(publicIp),
                    ipv6,
                    List.of(groupIds))),
            listeners,
            Map.of()));
  }

  private Decision decide(Source src, String dst, Protocol p, int port) {
    Flow flow = new Flow(src, dst, p, port);
    FlowEvaluator e = evaluator(new Estate(groups, instances));
    Decision d = e.decide(flow);
    assertThat(e.verdict(flow)).as("verdict() agrees with decide()").isEqualTo(d.verdict());
    return d;
  }

  private Decision tcp(String src, String dst, int port) {
    return decide(new Source.Instance(src), dst, Protocol.TCP, port);
  }

  private Decision tcpFrom(String address, String dst, int port) {
    return decide(new Source.Address4(ip(address)), dst, Protocol.TCP, port);
  }

  // ------------------------------------------------------------------ rules only allow

  @Test
  void inboundIsDeniedWhenNoRuleAllowsIt() {
    group("sg-db");
    listening("i-db", "10.0.0.20", 5432, "sg-db");

    Decision d = tcpFrom(LAPTOP, "i-db", 5432);

    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(d.ingress()).isNull();
    assertThat(d.explanation())
        .startsWith(
            "no ingress rule of group sg-db (db) on i-db allows tcp port 5432 from 203.0.113.7")
        .contains("the client times out");
  }

  @Test
  void aRuleAllowsOnlyItsProtocolPortsAndPeer() {
    group("sg-web", tcpIn(443, cidr("198.51.100.0/24")));
    listening("i-web", "10.0.0.10", 443, "sg-web");

    assertThat(tcpFrom("198.51.100.9", "i-web", 443).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcpFrom("198.51.101.9", "i-web", 443).reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(tcpFrom("198.51.100.9", "i-web", 444).reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(decide(new Source.Address4(ip("198.51.100.9")), "i-web", Protocol.UDP, 443).reason())
        .isEqualTo(Reason.NO_INGRESS_RULE);
  }

  @Test
  void portRangesIncludeBothEndsAndAllProtocolRulesCoverEveryProtocol() {
    group(
        "sg-edge",
        in(Protocol.TCP, 0, 0, cidr("192.0.2.0/24")),
        in(Protocol.TCP, 65535, 65535, cidr("192.0.2.0/24")),
        in(Protocol.UDP, 1000, 1999, cidr("192.0.2.0/24")),
        in(Protocol.ALL, -1, -1, cidr("198.51.100.1/32")),
        in(Protocol.ICMP, -1, -1, cidr("192.0.2.0/24")));
    instance("i-edge", "10.0.0.30", "sg-edge");
    Source lab = new Source.Address4(ip("192.0.2.50"));
    Source admin = new Source.Address4(ip("198.51.100.1"));

    assertThat(decide(lab, "i-edge", Protocol.TCP, 0).reason())
        .isEqualTo(Reason.ALLOWED_NOT_LISTENING);
    assertThat(decide(lab, "i-edge", Protocol.TCP, 65535).reason())
        .isEqualTo(Reason.ALLOWED_NOT_LISTENING);
    assertThat(decide(lab, "i-edge", Protocol.TCP, 1).reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(decide(lab, "i-edge", Protocol.UDP, 1000).verdict())
        .isEqualTo(Verdict.CONNECTION_REFUSED);
    assertThat(decide(lab, "i-edge", Protocol.UDP, 1999).verdict())
        .isEqualTo(Verdict.CONNECTION_REFUSED);
    assertThat(decide(lab, "i-edge", Protocol.UDP, 2000).verdict()).isEqualTo(Verdict.TIMED_OUT);
    // ICMP type -1 is every type; the operating system answers, so nothing needs to listen.
    assertThat(decide(lab, "i-edge", Protocol.ICMP, 8).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(decide(lab, "i-edge", Protocol.ICMP, 0).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(decide(lab, "i-edge", Protocol.ICMPV6, 128).verdict()).isEqualTo(Verdict.TIMED_OUT);
    // Protocol -1 is every protocol and port.
    assertThat(decide(admin, "i-edge", Protocol.UDP, 53).reason())
        .isEqualTo(Reason.ALLOWED_NOT_LISTENING);
    assertThat(decide(admin, "i-edge", new Protocol(50), 0).reason())
        .isEqualTo(Reason.ALLOWED_NOT_LISTENING);
    assertThat(decide(admin, "i-edge", Protocol.ICMPV6, 128).verdict())
        .isEqualTo(Verdict.REACHABLE);
  }

  // ------------------------------------------------------------------ egress

  @Test
  void aNewGroupsDefaultEgressRuleLetsEverythingOut() {
    group("sg-app");
    group("sg-web", tcpIn(443, new GroupPeer("sg-app")));
    instance("i-app", "10.0.0.5", "sg-app");
    listening("i-web", "10.0.0.10", 443, "sg-web");

    Decision d = tcp("i-app", "i-web", 443);

    assertThat(d.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(d.egress()).isEqualTo(new Match("sg-app", "app", Rule.DEFAULT_EGRESS));
  }

  @Test
  void outboundIsAllowedOnlyByEgressRules() {
    groupWithoutEgress("sg-app"); // default egress rule removed
    group("sg-web", tcpIn(443, new GroupPeer("sg-app")));
    instance("i-app", "10.0.0.5", "sg-app");
    listening("i-web", "10.0.0.10", 443, "sg-web");

    Decision d = tcp("i-app", "i-web", 443);

    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    assertThat(d.explanation())
        .startsWith(
            "no egress rule of group sg-app (app) on i-app allows tcp port 443 to i-web"
                + " (10.0.0.10)")
        .contains("the client times out");
  }

  @Test
  void anEgressRuleMatchesTheDestinationAddressOrItsGroups() {
    groupWithoutEgress(
        "sg-app",
        out(Protocol.TCP, 443, 443, cidr("10.0.0.10/32")),
        out(Protocol.TCP, 5432, 5432, new GroupPeer("sg-db")));
    group("sg-web", tcpIn(443, new GroupPeer("sg-app")), tcpIn(5432, new GroupPeer("sg-app")));
    group("sg-db");
    instance("i-app", "10.0.0.5", "sg-app");
    listening("i-web", "10.0.0.10", 443, "sg-web");
    listening("i-web2", "10.0.0.11", 443, "sg-web");
    listening("i-db", "10.0.99.99", 5432, "sg-web", "sg-db");

    assertThat(tcp("i-app", "i-web", 443).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-app", "i-web2", 443).reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    assertThat(tcp("i-app", "i-db", 5432).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-app", "i-web", 5432).reason()).isEqualTo(Reason.NO_EGRESS_RULE);
  }

  // ------------------------------------------------------------------ stateful

  @Test
  void connectionsAreStatefulSoRepliesNeedNoEgressRule() {
    groupWithoutEgress("sg-web", tcpIn(443, Cidr4.ANY)); // no egress rule at all
    listening("i-web", "10.0.0.10", 443, "sg-web");

    Decision d = tcpFrom(LAPTOP, "i-web", 443);

    assertThat(d.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(d.egress()).isNull();
    assertThat(d.explanation())
        .contains("replies are allowed back because security groups are stateful");
  }

  @Test
  void aStatefulReplyNeedsNoIngressRuleOnTheClient() {
    // The client lets nothing in, yet its outbound connection works: the reply is part of it.
    group("sg-client");
    groupWithoutEgress("sg-server", tcpIn(443, new GroupPeer("sg-client")));
    instance("i-client", "10.0.0.5", "sg-client");
    listening("i-server", "10.0.0.10", 443, "sg-server");

    assertThat(tcp("i-client", "i-server", 443).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-server", "i-client", 443).verdict()).isEqualTo(Verdict.TIMED_OUT);
  }

  // ------------------------------------------------------------------ union

  @Test
  void anInstancesGroupsAreAUnion() {
    group("sg-ssh", tcpIn(22, cidr("203.0.113.0/24")));
    group("sg-https", tcpIn(443, Cidr4.ANY));
    instanceIn(
        REGION,
        VPC,
        "i-web",
        "10.0.0.10",
        "54.0.0.10",
        Set.of(new Listener(Protocol.TCP, 22), new Listener(Protocol.TCP, 443)),
        "sg-ssh",
        "sg-https");

    Decision ssh = tcpFrom(LAPTOP, "i-web", 22);
    Decision https = tcpFrom(LAPTOP, "i-web", 443);

    assertThat(ssh.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(ssh.ingress().groupId()).isEqualTo("sg-ssh");
    assertThat(https.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(https.ingress().groupId()).isEqualTo("sg-https");
    assertThat(tcpFrom(LAPTOP, "i-web", 80).explanation())
        .startsWith("no ingress rule of groups sg-ssh (ssh), sg-https (https) on i-web");
  }

  @Test
  void whenSeveralRulesAllowTheFirstGroupThenTheFirstRuleInCanonicalOrderIsReported() {
    group("sg-b", tcpIn(443, Cidr4.ANY), in(Protocol.TCP, 400, 500, cidr("203.0.113.0/24")));
    group("sg-a", tcpIn(443, cidr("203.0.113.7/32")));
    listening("i-web", "10.0.0.10", 443, "sg-b", "sg-a");

    Decision d = tcpFrom(LAPTOP, "i-web", 443);

    // sg-b comes first on the interface; within it, 400-500 sorts before 443-443.
    assertThat(d.ingress())
        .isEqualTo(new Match("sg-b", "b", in(Protocol.TCP, 400, 500, cidr("203.0.113.0/24"))));
  }

  // ------------------------------------------------------------------ group references

  @Test
  void aGroupReferenceMatchesEveryInterfaceCarryingTheGroupWhateverItsAddress() {
    group("sg-app");
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")));
    instance("i-app", "10.0.0.5", "sg-app");
    instance("i-app-far", "10.0.250.77", "sg-app");
    listening("i-db", "10.0.0.20", 5432, "sg-db");

    assertThat(tcp("i-app", "i-db", 5432).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-app-far", "i-db", 5432).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-app-far", "i-db", 5432).ingress())
        .isEqualTo(new Match("sg-db", "db", tcpIn(5432, new GroupPeer("sg-app"))));
    assertThat(decide(new Source.GroupMember("sg-app"), "i-db", Protocol.TCP, 5432).verdict())
        .isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void anInstanceWithTheSameAddressButAnotherGroupDoesNotMatchAReference() {
    group("sg-app");
    group("sg-other");
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")));
    instance("i-app", "10.0.0.5", "sg-app");
    instance("i-impostor", "10.0.0.5", "sg-other");
    listening("i-db", "10.0.0.20", 5432, "sg-db");

    Decision d = tcp("i-impostor", "i-db", 5432);

    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(d.explanation())
        .startsWith(
            "no ingress rule of group sg-db (db) on i-db allows tcp port 5432 from i-impostor"
                + " (10.0.0.5)");
    assertThat(tcpFrom("10.0.0.5", "i-db", 5432).verdict()).isEqualTo(Verdict.TIMED_OUT);
  }

  // ------------------------------------------------------------------ both legs

  @Test
  void betweenTwoInstancesBothEgressAndIngressMustAllow() {
    groupWithoutEgress("sg-open-out", out(Protocol.TCP, 0, 65535, Cidr4.ANY));
    groupWithoutEgress("sg-closed-out");
    group("sg-open-in", tcpIn(8080, cidr("10.0.0.0/16")));
    group("sg-closed-in");
    instance("i-a", "10.0.0.1", "sg-open-out");
    instance("i-b", "10.0.0.2", "sg-closed-out");
    listening("i-open", "10.0.0.3", 8080, "sg-open-in");
    listening("i-closed", "10.0.0.4", 8080, "sg-closed-in");

    Decision both = tcp("i-a", "i-open", 8080);
    assertThat(both.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(both.egress().groupId()).isEqualTo("sg-open-out");
    assertThat(both.ingress().groupId()).isEqualTo("sg-open-in");
    assertThat(both.explanation())
        .isEqualTo(
            "reachable: egress allowed by rule \"egress tcp all ports to 0.0.0.0/0\" of group"
                + " sg-open-out (open-out); ingress allowed by rule \"ingress tcp port 8080 from"
                + " 10.0.0.0/16\" of group sg-open-in (open-in); replies are allowed back because"
                + " security groups are stateful");

    Decision noIngress = tcp("i-a", "i-closed", 8080);
    assertThat(noIngress.reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(noIngress.egress()).isNotNull();

    assertThat(tcp("i-b", "i-open", 8080).reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    assertThat(tcp("i-b", "i-closed", 8080).reason()).isEqualTo(Reason.NO_EGRESS_RULE);
  }

  // ------------------------------------------------------------------ networks

  @Test
  void groupReferencesNeverMatchAcrossVpcs() {
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")), tcpIn(5432, cidr("54.0.0.9/32")));
    group("sg-app");
    groupIn(REGION, "vpc-other", "sg-peer", withDefaultEgress());
    Set<Listener> postgres = Set.of(new Listener(Protocol.TCP, 5432));
    instanceIn(REGION, VPC, "i-db", "10.0.0.20", "54.0.0.1", postgres, "sg-db");
    instanceIn(REGION, VPC, "i-app", "10.0.0.5", null, Set.of(), "sg-app");
    // In another VPC, carrying the referenced group's id (as a stale attachment would).
    instanceIn(REGION, "vpc-other", "i-far", "10.0.0.5", "54.0.0.8", Set.of(), "sg-app", "sg-peer");
    instanceIn(REGION, "vpc-other", "i-far2", "10.0.0.6", "54.0.0.9", Set.of(), "sg-peer");

    assertThat(tcp("i-app", "i-db", 5432).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-far", "i-db", 5432).reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(tcp("i-far", "i-db", 5432).explanation()).contains("from i-far (54.0.0.8)");
    assertThat(decide(new Source.GroupMember("sg-peer"), "i-db", Protocol.TCP, 5432).reason())
        .isEqualTo(Reason.NO_ROUTE);
    // Across VPCs only CIDR rules match, on the public address.
    assertThat(tcp("i-far2", "i-db", 5432).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-far2", "i-db", 5432).ingress().rule().peer()).isEqualTo(cidr("54.0.0.9/32"));
  }

  @Test
  void egressGroupReferencesNeverMatchAcrossVpcs() {
    groupWithoutEgress("sg-app", out(Protocol.TCP, 443, 443, new GroupPeer("sg-web")));
    group("sg-web", tcpIn(443, Cidr4.ANY));
    Set<Listener> https = Set.of(new Listener(Protocol.TCP, 443));
    instanceIn(REGION, VPC, "i-app", "10.0.0.5", "54.0.0.5", Set.of(), "sg-app");
    instanceIn(REGION, VPC, "i-web", "10.0.0.10", "54.0.0.10", https, "sg-web");
    instanceIn(REGION, "vpc-other", "i-web-far", "10.0.0.10", "54.0.0.11", https, "sg-web");

    assertThat(tcp("i-app", "i-web", 443).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp("i-app", "i-web-far", 443).reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    assertThat(tcp("i-app", "i-web-far", 443).explanation()).contains("to i-web-far (54.0.0.11)");
  }

  @Test
  void groupReferencesNeverMatchAcrossRegionsEvenWithTheSameVpcId() {
    group("sg-app");
    groupIn("us-east-1", VPC, "sg-app-us", withDefaultEgress());
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")), tcpIn(5432, new GroupPeer("sg-app-us")));
    Set<Listener> postgres = Set.of(new Listener(Protocol.TCP, 5432));
    instanceIn(REGION, VPC, "i-db", "10.0.0.20", "54.0.0.1", postgres, "sg-db");
    instanceIn("us-east-1", VPC, "i-us", "10.0.0.5", "54.0.0.2", Set.of(), "sg-app", "sg-app-us");

    assertThat(tcp("i-us", "i-db", 5432).reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(decide(new Source.GroupMember("sg-app-us"), "i-db", Protocol.TCP, 5432).reason())
        .isEqualTo(Reason.NO_ROUTE);
    assertThat(decide(new Source.GroupMember("sg-app"), "i-db", Protocol.TCP, 5432).reason())
        .isEqualTo(Reason.ALLOWED_LISTENING);
  }

  @Test
  void withoutPublicAddressesTwoVpcsHaveNoPath() {
    group("sg-open", tcpIn(22, Cidr4.ANY));
    groupIn(REGION, "vpc-other", "sg-far", withDefaultEgress());
    instanceIn(
        REGION,
        VPC,
        "i-open",
        "10.0.0.20",
        null,
        Set.of(new Listener(Protocol.TCP, 22)),
        "sg-open");
    instanceIn(REGION, "vpc-other", "i-far", "10.0.0.5", "54.0.0.8", Set.of(), "sg-far");

    Decision d = tcp("i-far", "i-open", 22);

    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_ROUTE);
    assertThat(d.explanation()).contains("i-open has no public IP");
  }

  // ------------------------------------------------------------------ what the client sees

  @Test
  void allowedButNothingListeningIsRefusedNotTimedOut() {
    group("sg-web", tcpIn(443, Cidr4.ANY), tcpIn(8443, Cidr4.ANY));
    listening("i-web", "10.0.0.10", 443, "sg-web");

    Decision refused = tcpFrom(LAPTOP, "i-web", 8443);
    Decision blocked = tcpFrom(LAPTOP, "i-web", 9443);

    assertThat(refused.verdict()).isEqualTo(Verdict.CONNECTION_REFUSED);
    assertThat(refused.reason()).isEqualTo(Reason.ALLOWED_NOT_LISTENING);
    assertThat(refused.explanation())
        .startsWith("the security groups allow tcp port 8443 (ingress allowed by rule")
        .contains("rule \"ingress tcp port 8443 from 0.0.0.0/0\" of group sg-web (web)")
        .contains("nothing listens on i-web at tcp port 8443")
        .contains("refuses the connection at once");
    assertThat(blocked.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(blocked.explanation()).contains("no ingress rule of group sg-web (web)");
  }

  @Test
  void anAllowedListeningFlowNamesTheGroupAndRuleThatAllowedIt() {
    group("sg-web", tcpIn(443, Cidr4.ANY));
    listening("i-web", "10.0.0.10", 443, "sg-web");

    Decision d = tcpFrom(LAPTOP, "i-web", 443);

    assertThat(d.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(d.reason()).isEqualTo(Reason.ALLOWED_LISTENING);
    assertThat(d.ingress()).isEqualTo(new Match("sg-web", "web", tcpIn(443, Cidr4.ANY)));
    assertThat(d.explanation())
        .isEqualTo(
            "reachable: ingress allowed by rule \"ingress tcp port 443 from 0.0.0.0/0\" of group"
                + " sg-web (web); replies are allowed back because security groups are stateful");
  }

  @Test
  void onlyTheProtocolAndPortOfASocketAnswerHoweverManySocketsAnInstanceHas() {
    group("sg-open", in(Protocol.TCP, 0, 65535, Cidr4.ANY), in(Protocol.UDP, 0, 65535, Cidr4.ANY));
    Set<Listener> many = new HashSet<>();
    for (int port : new int[] {22, 80, 443, 5432, 8080, 65535}) {
      many.add(new Listener(Protocol.TCP, port));
    }
    many.add(new Listener(Protocol.UDP, 53));
    reachable("i-busy", "10.0.0.10", many, "sg-open");
    reachable(
        "i-few",
        "10.0.0.11",
        Set.of(new Listener(Protocol.TCP, 0), new Listener(Protocol.UDP, 53)),
        "sg-open");

    for (int port : new int[] {22, 80, 443, 5432, 8080, 65535}) {
      assertThat(tcpFrom(LAPTOP, "i-busy", port).verdict()).isEqualTo(Verdict.REACHABLE);
      assertThat(decide(new Source.Address4(ip(LAPTOP)), "i-busy", Protocol.UDP, port).verdict())
          .isEqualTo(Verdict.CONNECTION_REFUSED);
    }
    assertThat(tcpFrom(LAPTOP, "i-busy", 53).verdict()).isEqualTo(Verdict.CONNECTION_REFUSED);
    assertThat(decide(new Source.Address4(ip(LAPTOP)), "i-busy", Protocol.UDP, 53).verdict())
        .isEqualTo(Verdict.REACHABLE);
    assertThat(tcpFrom(LAPTOP, "i-few", 0).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcpFrom(LAPTOP, "i-few", 53).verdict()).isEqualTo(Verdict.CONNECTION_REFUSED);
    assertThat(decide(new Source.Address4(ip(LAPTOP)), "i-few", Protocol.UDP, 53).verdict())
        .isEqualTo(Verdict.REACHABLE);
    assertThat(decide(new Source.Address4(ip(LAPTOP)), "i-few", Protocol.UDP, 0).verdict())
        .isEqualTo(Verdict.CONNECTION_REFUSED);
  }

  // ------------------------------------------------------------------ other sources

  @Test
  void ipv6AndRangeSourcesMatchOnlyRulesThatContainThem() {
    group(
        "sg-web",
        tcpIn(443, cidr("2001:db8::/32")),
        tcpIn(22, cidr("10.0.0.0/16")),
        tcpIn(80, Cidr6.ANY));
    listening("i-web", "10.0.0.10", 443, "sg-web");
    long[] inside = Ip.parse6("2001:db8::1").orElseThrow();
    long[] outside = Ip.parse6("2001:db9::1").orElseThrow();

    assertThat(
            decide(new Source.Address6(inside[0], inside[1]), "i-web", Protocol.TCP, 443).verdict())
        .isEqualTo(Verdict.REACHABLE);
    assertThat(
            decide(new Source.Address6(outside[0], outside[1]), "i-web", Protocol.TCP, 443)
                .verdict())
        .isEqualTo(Verdict.TIMED_OUT);
    assertThat(decide(new Source.Address4(ip("10.0.0.1")), "i-web", Protocol.TCP, 80).verdict())
        .isEqualTo(Verdict.TIMED_OUT);
    // A range is allowed only when the rule contains all of it.
    assertThat(decide(new Source.Range(cidr("10.0.128.0/17")), "i-web", Protocol.TCP, 22).reason())
        .isEqualTo(Reason.ALLOWED_NOT_LISTENING);
    assertThat(decide(new Source.Range(cidr("10.0.0.0/15")), "i-web", Protocol.TCP, 22).reason())
        .isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(
            decide(new Source.Range(cidr("2001:db8:1::/48")), "i-web", Protocol.TCP, 443).verdict())
        .isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void unknownInstancesAndGroupsAreSaidSo() {
    group("sg-web", tcpIn(443, Cidr4.ANY));
    listening("i-web", "10.0.0.10", 443, "sg-web");

    assertThat(tcpFrom(LAPTOP, "i-gone", 443).explanation())
        .isEqualTo("there is no instance i-gone");
    assertThat(tcp("i-gone", "i-web", 443).reason()).isEqualTo(Reason.UNKNOWN_INSTANCE);
    assertThat(decide(new Source.GroupMember("sg-gone"), "i-web", Protocol.TCP, 443).explanation())
        .isEqualTo("there is no security group sg-gone");
  }

  // ------------------------------------------------------------------ routes of outside sources

  @Test
  void aPublicAddressReachesOnlyAnInstanceWithAPublicIp() {
    group("sg-web", tcpIn(443, Cidr4.ANY));
    Set<Listener> https = Set.of(new Listener(Protocol.TCP, 443));
    instanceIn(REGION, VPC, "i-public", "10.0.0.10", "54.0.0.10", https, "sg-web");
    instanceIn(REGION, VPC, "i-private", "10.0.0.11", null, https, "sg-web");

    assertThat(tcpFrom(LAPTOP, "i-public", 443).verdict()).isEqualTo(Verdict.REACHABLE);
    Decision d = tcpFrom(LAPTOP, "i-private", 443);
    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_ROUTE);
    assertThat(d.explanation()).contains("203.0.113.7").contains("i-private has no public IP");
    Decision range =
        decide(new Source.Range(cidr("198.51.100.0/24")), "i-private", Protocol.TCP, 443);
    assertThat(range.reason()).isEqualTo(Reason.NO_ROUTE);
    assertThat(range.explanation()).contains("i-private has no public IP");
    // A range that is only partly private is public for routing.
    assertThat(
            decide(new Source.Range(cidr("10.0.0.0/7")), "i-private", Protocol.TCP, 443).reason())
        .isEqualTo(Reason.NO_ROUTE);
  }

  @Test
  void aPrivateAddressReachesThePrivateIpAsOverAVpn() {
    group("sg-web", tcpIn(443, Cidr4.ANY));
    Set<Listener> https = Set.of(new Listener(Protocol.TCP, 443));
    instanceIn(REGION, VPC, "i-private", "10.0.0.11", null, https, "sg-web");

    for (String address : List.of("10.9.8.7", "172.31.0.1", "192.168.1.1", "100.100.0.1")) {
      assertThat(tcpFrom(address, "i-private", 443).verdict())
          .as(address)
          .isEqualTo(Verdict.REACHABLE);
    }
    for (String address : List.of("172.32.0.1", "192.169.0.1", "100.128.0.1", "11.0.0.1")) {
      assertThat(tcpFrom(address, "i-private", 443).reason())
          .as(address)
          .isEqualTo(Reason.NO_ROUTE);
    }
    for (String range : List.of("172.16.0.0/12", "192.168.4.0/24", "100.64.0.0/10", "10.0.0.0/8")) {
      assertThat(decide(new Source.Range(cidr(range)), "i-private", Protocol.TCP, 443).verdict())
          .as(range)
          .isEqualTo(Verdict.REACHABLE);
    }
  }

  @Test
  void anIpv6SourceNeedsAnIpv6AddressOnTheDestination() {
    group("sg-web", tcpIn(443, Cidr6.ANY));
    Set<Listener> https = Set.of(new Listener(Protocol.TCP, 443));
    instanceIn(REGION, VPC, "i-v4", "10.0.0.10", "54.0.0.10", https, "sg-web");
    instanceWith(
        REGION,
        VPC,
        "i-v6",
        "10.0.0.11",
        null,
        Ip.parse6("2001:db8::11").orElseThrow(),
        https,
        "sg-web");
    long[] client = Ip.parse6("2001:db9::1").orElseThrow();

    Decision d = decide(new Source.Address6(client[0], client[1]), "i-v4", Protocol.TCP, 443);
    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_ROUTE);
    assertThat(d.explanation()).contains("i-v4 has no IPv6 address");
    assertThat(decide(new Source.Range(cidr("2001:db9::/64")), "i-v4", Protocol.TCP, 443).reason())
        .isEqualTo(Reason.NO_ROUTE);
    assertThat(
            decide(new Source.Address6(client[0], client[1]), "i-v6", Protocol.TCP, 443).verdict())
        .isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void aGroupMemberMustPassItsGroupsEgressRules() {
    groupWithoutEgress(
        "sg-app",
        out(Protocol.TCP, 5432, 5432, new GroupPeer("sg-db")),
        out(Protocol.TCP, 443, 443, cidr("10.0.0.30/32")));
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")), tcpIn(6432, new GroupPeer("sg-app")));
    group("sg-web", tcpIn(443, new GroupPeer("sg-app")), tcpIn(8443, new GroupPeer("sg-app")));
    Set<Listener> ports = Set.of(new Listener(Protocol.TCP, 5432), new Listener(Protocol.TCP, 443));
    instanceIn(REGION, VPC, "i-db", "10.0.0.20", null, ports, "sg-db");
    instanceIn(REGION, VPC, "i-web", "10.0.0.30", null, ports, "sg-web");
    Source member = new Source.GroupMember("sg-app");

    Decision db = decide(member, "i-db", Protocol.TCP, 5432);
    assertThat(db.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(db.egress().rule()).isEqualTo(out(Protocol.TCP, 5432, 5432, new GroupPeer("sg-db")));
    // An egress CIDR rule matches the destination's private address.
    assertThat(decide(member, "i-web", Protocol.TCP, 443).verdict()).isEqualTo(Verdict.REACHABLE);
    Decision blocked = decide(member, "i-db", Protocol.TCP, 6432);
    assertThat(blocked.reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    assertThat(blocked.explanation())
        .contains("no egress rule of group sg-app (app) on a member of sg-app")
        .contains("to i-db (10.0.0.20)");
    assertThat(decide(member, "i-web", Protocol.TCP, 8443).reason())
        .isEqualTo(Reason.NO_EGRESS_RULE);
  }

  @Test
  void aGroupMemberHasNoPublicIpSoNoOtherVpcIsInReach() {
    group("sg-open", tcpIn(22, Cidr4.ANY));
    groupIn(REGION, "vpc-other", "sg-far", withDefaultEgress());
    Set<Listener> ssh = Set.of(new Listener(Protocol.TCP, 22));
    instanceIn(REGION, VPC, "i-open", "10.0.0.20", "54.0.0.20", ssh, "sg-open");

    Decision d = decide(new Source.GroupMember("sg-far"), "i-open", Protocol.TCP, 22);

    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_ROUTE);
    assertThat(d.explanation()).contains("a member of sg-far has no public IP");
  }

  // ------------------------------------------------------------------ destinations that are
  // addresses

  private Decision decideTo(Source src, Destination dst, int tcpPort) {
    Flow flow = new Flow(src, dst, Protocol.TCP, tcpPort);
    FlowEvaluator e = evaluator(new Estate(groups, instances));
    Decision d = e.decide(flow);
    assertThat(e.verdict(flow)).as("verdict() agrees with decide()").isEqualTo(d.verdict());
    return d;
  }

  private Decision tcpTo(String src, String address, int port) {
    Destination dst =
        address.indexOf('/') >= 0
            ? new Destination.Range(cidr(address))
            : address.indexOf(':') >= 0
                ? new Destination.Address6(
                    Ip.parse6(address).orElseThrow()[0], Ip.parse6(address).orElseThrow()[1])
                : new Destination.Address4(ip(address));
    return decideTo(new Source.Instance(src), dst, port);
  }

  @Test
  void toAnAddressOutsideTheEstateTheSourcesEgressRulesAloneDecide() {
    group("sg-web");
    instance("i-web", "10.0.0.10", "sg-web");

    Decision d = tcpTo("i-web", "8.8.8.8", 443);

    assertThat(d.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(d.reason()).isEqualTo(Reason.ALLOWED_FAR_SIDE_UNKNOWN);
    assertThat(d.egress()).isEqualTo(new Match("sg-web", "web", Rule.DEFAULT_EGRESS));
    assertThat(d.ingress()).isNull();
    assertThat(d.explanation())
        .startsWith("reachable as far as security groups go")
        .contains("8.8.8.8 is outside the estate")
        .contains("what listens there, its network ACLs and its routes are not known");
  }

  @Test
  void toAnAddressOutsideTheEstateWithoutAnEgressRuleTheClientTimesOut() {
    groupWithoutEgress("sg-locked", out(Protocol.TCP, 5432, 5432, cidr("10.2.0.0/16")));
    group("sg-other", tcpIn(22, cidr("203.0.113.7/32")));
    // The default egress rule of sg-other would let it out: a union, so one group is enough.
    instance("i-locked", "10.0.0.10", "sg-locked");
    instance("i-both", "10.0.0.11", "sg-locked", "sg-other");

    Decision d = tcpTo("i-locked", "8.8.8.8", 443);

    assertThat(d.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(d.reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    assertThat(d.explanation())
        .isEqualTo(
            "no egress rule of group sg-locked (locked) on i-locked allows tcp port 443 to 8.8.8.8;"
                + " security groups drop what no rule allows, so the client times out");
    assertThat(tcpTo("i-both", "8.8.8.8", 443).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcpTo("i-locked", "10.2.3.4", 5432).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcpTo("i-locked", "10.2.3.4", 5433).verdict()).isEqualTo(Verdict.TIMED_OUT);
  }

  @Test
  void aRangeIsAllowedOnlyWhenOneRuleCoversAllOfItAndAPartlyAllowedOneNamesTheRule() {
    groupWithoutEgress("sg-app", out(Protocol.TCP, 5432, 5432, cidr("10.2.0.0/24")));
    instance("i-app", "10.0.0.5", "sg-app");

    Decision whole = tcpTo("i-app", "10.2.0.0/25", 5432);
    Decision part = tcpTo("i-app", "10.2.0.0/16", 5432);
    Decision none = tcpTo("i-app", "10.3.0.0/16", 5432);

    assertThat(whole.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(whole.explanation())
        .contains("to all of 10.2.0.0/25 is allowed out by rule")
        .contains(
            "is private: beyond eu-west-1/vpc-main it is reached only over a route that"
                + " Portcullis does not model");
    assertThat(part.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(part.reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    assertThat(part.explanation())
        .contains("allows tcp port 5432 to all of 10.2.0.0/16; only part of it is allowed, by rule")
        .contains("10.2.0.0/24");
    assertThat(none.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(none.explanation()).doesNotContain("only part");
  }

  @Test
  void toAnInstancesPrivateIpInTheVpcAGroupReferenceMatchesAsToTheInstance() {
    group("sg-app");
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")));
    instance("i-app", "10.0.0.5", "sg-app");
    listening("i-db", "10.0.0.20", 5432, "sg-db");

    Decision d = tcpTo("i-app", "10.0.0.20", 5432);

    assertThat(d.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(d.reason()).isEqualTo(Reason.ALLOWED_LISTENING);
    assertThat(d.ingress())
        .isEqualTo(new Match("sg-db", "db", tcpIn(5432, new GroupPeer("sg-app"))));
    assertThat(d.explanation())
        .startsWith(
            "10.0.0.20 is the private IP of i-db (eu-west-1/vpc-main), in the sender's VPC:");
  }

  @Test
  void toAnInstancesPublicIpOnlyCidrRulesForTheSourcesPublicIpMatch() {
    group("sg-app");
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")));
    instance("i-app", "10.0.0.5", "sg-app"); // public IP 3.0.0.1
    listening("i-db", "10.0.0.20", 5432, "sg-db"); // public IP 3.0.0.2

    Decision byReference = tcpTo("i-app", "3.0.0.2", 5432);

    assertThat(byReference.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(byReference.reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(byReference.explanation())
        .startsWith(
            "3.0.0.2 is the public IP of i-db: the connection leaves through the internet"
                + " gateway")
        .contains("no rule that references a group matches")
        .contains("from i-app (its public IP 3.0.0.1)");

    groups.clear();
    group("sg-app");
    group("sg-db", tcpIn(5432, new GroupPeer("sg-app")), tcpIn(5432, cidr("3.0.0.1/32")));
    Decision byAddress = tcpTo("i-app", "3.0.0.2", 5432);
    assertThat(byAddress.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(byAddress.ingress())
        .isEqualTo(new Match("sg-db", "db", tcpIn(5432, cidr("3.0.0.1/32"))));
  }

  @Test
  void aSourceWithoutAPublicIpGetsNoAnswerOverTheInternet() {
    group("sg-app");
    group("sg-web", tcpIn(443, cidr("0.0.0.0/0")));
    instanceIn(REGION, VPC, "i-private", "10.0.0.5", null, Set.of(), "sg-app");
    instanceIn(
        REGION,
        VPC,
        "i-web",
        "10.0.0.6",
        "54.0.0.6",
        Set.of(new Listener(Protocol.TCP, 443)),
        "sg-web");

    for (String address : List.of("8.8.8.8", "54.0.0.6", "0.0.0.0/0")) {
      Decision d = tcpTo("i-private", address, 443);
      assertThat(d.verdict()).as(address).isEqualTo(Verdict.TIMED_OUT);
      assertThat(d.reason()).as(address).isEqualTo(Reason.NO_ROUTE);
      assertThat(d.explanation())
          .as(address)
          .contains("i-private has no public IP, so it cannot get an answer from");
    }
    // A private address needs no public IP.
    assertThat(tcpTo("i-private", "10.0.0.6", 443).verdict()).isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void toAnInstancesIpv6AddressGroupReferencesMatchOnlyWithinTheVpc() {
    // The default egress rule is IPv4's alone: IPv6 needs a rule of its own.
    group("sg-app", out(Protocol.TCP, 443, 443, cidr("::/0")));
    group("sg-web", tcpIn(443, new GroupPeer("sg-app")));
    instance("i-app", "10.0.0.5", "sg-app"); // 2001:db8:ffff::1
    listening("i-web", "10.0.0.6", 443, "sg-web"); // 2001:db8:ffff::2
    instanceIn(REGION, "vpc-other", "i-far", "10.1.0.5", "54.0.0.9", Set.of(), "sg-app");

    assertThat(tcpTo("i-app", "2001:db8:ffff::2", 443).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcpTo("i-app", "2001:db8:ffff::2", 80).reason()).isEqualTo(Reason.NO_EGRESS_RULE);
    Decision noV6 = tcpTo("i-far", "2001:db8:ffff::2", 443);
    assertThat(noV6.reason()).isEqualTo(Reason.NO_ROUTE);
    assertThat(noV6.explanation()).contains("i-far has no IPv6 address");
  }

  @Test
  void aGroupsMemberIsDecidedByItsGroupsEgressAndHasNoAddressOfItsOwn() {
    groupWithoutEgress("sg-app", out(Protocol.TCP, 5432, 5432, cidr("10.2.0.0/16")));
    instance("i-other", "10.0.0.9");

    Decision vpn =
        decideTo(new Source.GroupMember("sg-app"), new Destination.Address4(ip("10.2.0.9")), 5432);
    Decision internet =
        decideTo(new Source.GroupMember("sg-app"), new Destination.Address4(ip("8.8.8.8")), 443);

    assertThat(vpn.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(vpn.explanation()).contains("from a member of sg-app to 10.2.0.9");
    assertThat(internet.reason()).isEqualTo(Reason.NO_ROUTE);
    assertThat(internet.explanation()).contains("a member of sg-app has no public IP");
  }

  @Test
  void aPrivateAddressOfAnotherVpcIsOutsideTheSendersNetworkAndSaysWhoseItIs() {
    group("sg-app");
    instance("i-app", "10.0.0.5", "sg-app");
    instanceIn(REGION, "vpc-other", "i-far", "10.1.0.5", "54.0.0.9", Set.of(), "sg-app");

    Decision d = tcpTo("i-app", "10.1.0.5", 443);

    assertThat(d.reason()).isEqualTo(Reason.ALLOWED_FAR_SIDE_UNKNOWN);
    assertThat(d.explanation())
        .contains("does not model (VPC peering, a transit gateway, a VPN or Direct Connect)")
        .contains("it is the private IP of i-far (eu-west-1/vpc-other), in another network");
  }

  @Test
  void anAddressDestinationNeedsASourceWithGroupsAndAnUnknownSourceIsSaidSo() {
    assertThatThrownBy(
            () ->
                new Flow(
                    new Source.Address4(ip(LAPTOP)),
                    new Destination.Address4(ip("8.8.8.8")),
                    Protocol.TCP,
                    443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no security group decides traffic between two addresses");
    group("sg-app");
    instance("i-app", "10.0.0.5", "sg-app");

    assertThat(tcpTo("i-nope", "8.8.8.8", 443).reason()).isEqualTo(Reason.UNKNOWN_INSTANCE);
    assertThat(
            decideTo(new Source.GroupMember("sg-nope"), new Destination.Address4(ip("8.8.8.8")), 1)
                .reason())
        .isEqualTo(Reason.UNKNOWN_GROUP);
  }

  @Test
  void anAddressReadOnTwoInstancesBelongsToTheLowestInstanceIdWhateverTheirOrder() {
    group("sg-open", tcpIn(22, cidr("0.0.0.0/0")));
    group("sg-shut");
    instance("i-client", "10.0.0.9", "sg-shut");
    // a read taken while an Elastic IP moves from i-x to i-y shows it on both
    instanceIn(REGION, VPC, "i-y", "10.0.0.2", "203.0.113.50", Set.of(), "sg-open");
    instanceIn(REGION, VPC, "i-x", "10.0.0.3", "203.0.113.50", Set.of(), "sg-shut");
    Flow flow =
        new Flow(
            new Source.Instance("i-client"),
            new Destination.Address4(ip("203.0.113.50")),
            Protocol.TCP,
            22);
    Decision listed = evaluator(new Estate(groups, instances)).decide(flow);
    List<InstanceState> reversed = new ArrayList<>(instances);
    Collections.reverse(reversed);
    Decision reversedOrder = evaluator(new Estate(groups, reversed)).decide(flow);
    assertThat(listed.reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    assertThat(listed.explanation()).contains("i-x");
    assertThat(reversedOrder.reason()).isEqualTo(listed.reason());
    assertThat(reversedOrder.explanation()).isEqualTo(listed.explanation());
  }
}
