package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CanonicalizerTest {

  private static RuleSpec tcp(String ports, String cidr) {
    return RuleSpec.of(
        "spec.ingress[0]",
        Direction.INGRESS,
        null,
        List.of(ports.split(",")),
        List.of(PeerSpec.cidr(cidr)));
  }

  private static RuleSpec rule(String protocol, List<String> ports, PeerSpec... peers) {
    return RuleSpec.of("spec.ingress[0]", Direction.INGRESS, protocol, ports, List.of(peers));
  }

  @Test
  void expandsPortsTimesPeersIntoAtomicSortedRules() {
    RuleSpec spec =
        RuleSpec.of(
            "spec.ingress[0]",
            Direction.INGRESS,
            "tcp",
            List.of("https", "http"),
            List.of(PeerSpec.cidr("::/0"), PeerSpec.cidr("0.0.0.0/0")));
    Canonicalizer.Result r = Canonicalizer.canonicalize(List.of(spec));
    assertThat(r.ok()).isTrue();
    assertThat(r.rules())
        .extracting(Rule::display)
        .containsExactly(
            "ingress tcp port 80 from 0.0.0.0/0",
            "ingress tcp port 80 from ::/0",
            "ingress tcp port 443 from 0.0.0.0/0",
            "ingress tcp port 443 from ::/0");
  }

  @Test
  void namedClassicPortsMapToTheirNumbers() {
    Map<String, Integer> classic =
        Map.of("ssh", 22, "sftp", 22, "ftp", 21, "http", 80, "https", 443, "rdp", 3389);
    classic.forEach(
        (name, port) -> {
          Rule r = Canonicalizer.canonicalize(List.of(tcp(name, "10.0.0.0/8"))).rules().get(0);
          assertThat(r.fromPort()).as(name).isEqualTo(port);
          assertThat(r.toPort()).as(name).isEqualTo(port);
        });
  }

  @Test
  void protocolNumbersAndNamesAreOneValue() {
    Rule byName =
        Canonicalizer.canonicalize(List.of(rule("tcp", List.of("22"), PeerSpec.cidr("1.2.3.4/32"))))
            .rules()
            .get(0);
    Rule byNumber =
        Canonicalizer.canonicalize(List.of(rule("6", List.of("22"), PeerSpec.cidr("1.2.3.4/32"))))
            .rules()
            .get(0);
    assertThat(byNumber).isEqualTo(byName);
    assertThat(Canonicalizer.fromEc2(Direction.INGRESS, "6", 22, 22, Cidr4.host(0x01020304), null))
        .isEqualTo(byName);
    assertThat(Protocol.parse("UDP")).contains(Protocol.UDP);
    assertThat(Protocol.parse("17")).contains(Protocol.UDP);
    assertThat(Protocol.parse("-1")).contains(Protocol.ALL);
    assertThat(Protocol.parse("all")).contains(Protocol.ALL);
  }

  @Test
  void hostBitsAreMaskedAndReported() {
    Canonicalizer.Result r = Canonicalizer.canonicalize(List.of(tcp("22", "10.1.2.3/8")));
    assertThat(r.ok()).isTrue();
    assertThat(r.rules().get(0).peer()).isEqualTo(new Cidr4(0x0a000000, 8));
    assertThat(r.warnings())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.ingress[0].from[0].cidr");
              assertThat(p.message()).contains("host bits").contains("10.0.0.0/8");
            });
    Canonicalizer.Result v6 = Canonicalizer.canonicalize(List.of(tcp("22", "2001:db8::1/32")));
    assertThat(v6.rules().get(0).peer().display()).isEqualTo("2001:db8::/32");
    assertThat(v6.warnings()).hasSize(1);
  }

  @Test
  void protocolAllAndIcmpGetEc2PortEncoding() {
    Rule all =
        Canonicalizer.canonicalize(List.of(rule("all", List.of(), PeerSpec.cidr("10.0.0.0/8"))))
            .rules()
            .get(0);
    assertThat(all.fromPort()).isEqualTo(-1);
    assertThat(all.toPort()).isEqualTo(-1);
    RuleSpec ping =
        new RuleSpec(
            "spec.ingress[0]",
            Direction.INGRESS,
            "icmp",
            List.of(),
            8,
            null,
            List.of(PeerSpec.cidr("10.0.0.0/8")),
            "ping");
    Rule echo = Canonicalizer.canonicalize(List.of(ping)).rules().get(0);
    assertThat(echo.fromPort()).isEqualTo(8);
    assertThat(echo.toPort()).isEqualTo(-1);
    assertThat(echo.display()).isEqualTo("ingress icmp type 8 from 10.0.0.0/8 (\"ping\")");
  }

  @Test
  void duplicatesCollapseButConflictingDescriptionsAreAnError() {
    RuleSpec a = tcp("22", "10.0.0.0/8");
    RuleSpec b =
        RuleSpec.of(
            "spec.ingress[1]",
            Direction.INGRESS,
            "6",
            List.of("ssh"),
            List.of(PeerSpec.cidr("10.0.0.0/8")));
    assertThat(Canonicalizer.canonicalize(List.of(a, b)).rules()).hasSize(1);
    RuleSpec c =
        new RuleSpec(
            "spec.ingress[1]",
            Direction.INGRESS,
            "tcp",
            List.of("22"),
            null,
            null,
            List.of(PeerSpec.cidr("10.0.0.0/8")),
            "admins");
    Canonicalizer.Result r = Canonicalizer.canonicalize(List.of(a, c));
    assertThat(r.ok()).isFalse();
    assertThat(r.errors().get(0).message()).contains("spec.ingress[0]").contains("description");
  }

  static Stream<Arguments> badRules() {
    return Stream.of(
        Arguments.of(
            "prefix /33",
            tcp("22", "10.0.0.0/33"),
            "spec.ingress[0].from[0].cidr",
            "prefix length /33 is out of range for IPv4 (0-32)"),
        Arguments.of(
            "octet 256",
            tcp("22", "10.0.256.0/24"),
            "spec.ingress[0].from[0].cidr",
            "bad address \"10.0.256.0\""),
        Arguments.of(
            "no prefix",
            tcp("22", "10.0.0.1"),
            "spec.ingress[0].from[0].cidr",
            "has no prefix length: write a CIDR such as 10.0.0.1/32"),
        Arguments.of(
            "IPv6 /129",
            tcp("22", "2001:db8::/129"),
            "spec.ingress[0].from[0].cidr",
            "out of range for IPv6 (0-128)"),
        Arguments.of(
            "malformed IPv6",
            tcp("22", "2001:db8:::1/64"),
            "spec.ingress[0].from[0].cidr",
            "not a valid IPv6 CIDR"),
        Arguments.of(
            "port 70000",
            tcp("70000", "10.0.0.0/8"),
            "spec.ingress[0].ports[0]",
            "port 70000 is outside 0-65535"),
        Arguments.of(
            "range end 65536",
            tcp("8000-65536", "10.0.0.0/8"),
            "spec.ingress[0].ports[0]",
            "port 65536 is outside 0-65535"),
        Arguments.of(
            "negative port",
            tcp("-5", "10.0.0.0/8"),
            "spec.ingress[0].ports[0]",
            "\"-5\" is not a port"),
        Arguments.of(
            "fullwidth digits",
            tcp("\uff12\uff12", "10.0.0.0/8"),
            "spec.ingress[0].ports[0]",
            "is not a port"),
        Arguments.of(
            "from > to",
            tcp("9000-8000", "10.0.0.0/8"),
            "spec.ingress[0].ports[0]",
            "starts at 9000, after its end 8000; write it as 8000-9000"),
        Arguments.of(
            "ports on protocol all",
            rule("all", List.of("80"), PeerSpec.cidr("10.0.0.0/8")),
            "spec.ingress[0].ports",
            "ports are not allowed with protocol all"),
        Arguments.of(
            "ports on protocol -1",
            rule("-1", List.of("80"), PeerSpec.cidr("10.0.0.0/8")),
            "spec.ingress[0].ports",
            "ports are not allowed with protocol all"),
        Arguments.of(
            "unknown protocol",
            rule("tpc", List.of("80"), PeerSpec.cidr("10.0.0.0/8")),
            "spec.ingress[0].protocol",
            "unknown protocol \"tpc\""),
        Arguments.of(
            "protocol 256",
            rule("256", List.of(), PeerSpec.cidr("10.0.0.0/8")),
            "spec.ingress[0].protocol",
            "unknown protocol \"256\""),
        Arguments.of(
            "unknown port name",
            tcp("htps", "10.0.0.0/8"),
            "spec.ingress[0].ports[0]",
            "unknown port name \"htps\" (did you mean \"https\"?)"),
        Arguments.of(
            "tcp without ports",
            rule("tcp", List.of(), PeerSpec.cidr("10.0.0.0/8")),
            "spec.ingress[0].ports",
            "required for protocol tcp"),
        Arguments.of(
            "icmp with ports",
            rule("icmp", List.of("8"), PeerSpec.cidr("10.0.0.0/8")),
            "spec.ingress[0].ports",
            "icmp has no ports: use icmp.type and icmp.code"),
        Arguments.of(
            "icmp type 300",
            new RuleSpec(
                "spec.ingress[0]",
                Direction.INGRESS,
                "icmp",
                null,
                300,
                null,
                List.of(PeerSpec.cidr("10.0.0.0/8")),
                null),
            "spec.ingress[0].icmp.type",
            "300 is outside -1..255"),
        Arguments.of(
            "icmp code without type",
            new RuleSpec(
                "spec.ingress[0]",
                Direction.INGRESS,
                "icmp",
                null,
                null,
                3,
                List.of(PeerSpec.cidr("10.0.0.0/8")),
                null),
            "spec.ingress[0].icmp.code",
            "a code needs a type"),
        Arguments.of(
            "icmp fields on tcp",
            new RuleSpec(
                "spec.ingress[0]",
                Direction.INGRESS,
                "tcp",
                List.of("22"),
                8,
                null,
                List.of(PeerSpec.cidr("10.0.0.0/8")),
                null),
            "spec.ingress[0].icmp",
            "only apply to protocol icmp or icmpv6"),
        Arguments.of(
            "description over 255",
            new RuleSpec(
                "spec.ingress[0]",
                Direction.INGRESS,
                "tcp",
                List.of("22"),
                null,
                null,
                List.of(PeerSpec.cidr("10.0.0.0/8")),
                "x".repeat(256)),
            "spec.ingress[0].description",
            "is 256 characters long; EC2 allows at most 255"),
        Arguments.of(
            "description with refused characters",
            new RuleSpec(
                "spec.ingress[0]",
                Direction.INGRESS,
                "tcp",
                List.of("22"),
                null,
                null,
                List.of(PeerSpec.cidr("10.0.0.0/8")),
                "café <admins>"),
            "spec.ingress[0].description",
            "contains characters EC2 refuses (é < >)"),
        Arguments.of(
            "no peers",
            rule("tcp", List.of("22")),
            "spec.ingress[0].from",
            "at least one peer is required"),
        Arguments.of(
            "empty peer",
            rule("tcp", List.of("22"), new PeerSpec(null, null, null, null, null)),
            "spec.ingress[0].from[0]",
            "empty peer: set exactly one of"),
        Arguments.of(
            "peer with cidr and group",
            rule("tcp", List.of("22"), new PeerSpec("10.0.0.0/8", "bastion", null, null, null)),
            "spec.ingress[0].from[0]",
            "sets cidr and securityGroup"),
        Arguments.of(
            "bad group id",
            rule("tcp", List.of("22"), PeerSpec.groupId("sg-xyz")),
            "spec.ingress[0].from[0].securityGroupId",
            "is not a security group id"),
        Arguments.of(
            "bad prefix list id",
            rule("tcp", List.of("22"), PeerSpec.prefixList("pl-1")),
            "spec.ingress[0].from[0].prefixListId",
            "is not a prefix list id"),
        Arguments.of(
            "bad group name",
            rule("tcp", List.of("22"), PeerSpec.group("Bastion_Host")),
            "spec.ingress[0].from[0].securityGroup",
            "is not the name of a SecurityGroup resource"),
        Arguments.of(
            "self false",
            rule("tcp", List.of("22"), new PeerSpec(null, null, null, null, false)),
            "spec.ingress[0].from[0].self",
            "self: false names nothing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRules")
  void rejectsBadInputWithAPreciseMessage(
      String name, RuleSpec spec, String field, String message) {
    Canonicalizer.Result r = Canonicalizer.canonicalize(List.of(spec));
    assertThat(r.ok()).as(name).isFalse();
    assertThat(r.rules()).as("nothing half-applied").isEmpty();
    assertThat(r.errors())
        .as(name)
        .anySatisfy(
            p -> {
              assertThat(p.field()).isEqualTo(field);
              assertThat(p.message()).contains(message);
            });
  }

  @Test
  void egressPeersAreNamedTo() {
    RuleSpec spec =
        RuleSpec.of(
            "spec.egress[3]",
            Direction.EGRESS,
            "tcp",
            List.of("443"),
            List.of(PeerSpec.cidr("bad")));
    assertThat(Canonicalizer.canonicalize(List.of(spec)).errors().get(0).field())
        .isEqualTo("spec.egress[3].to[0].cidr");
  }

  private static List<RuleSpec> manyRules(int v4, int v6, int groups) {
    List<PeerSpec> peers = new ArrayList<>();
    for (int i = 0; i < v4; i++) {
      peers.add(PeerSpec.cidr("10.0." + i + ".0/24"));
    }
    for (int i = 0; i < v6; i++) {
      peers.add(PeerSpec.cidr("2001:db8:" + Integer.toHexString(i) + "::/48"));
    }
    for (int i = 0; i < groups; i++) {
      peers.add(PeerSpec.groupId(String.format("sg-%08x", i + 1)));
    }
    return List.of(RuleSpec.of("spec.ingress[0]", Direction.INGRESS, "tcp", List.of("443"), peers));
  }

  @Test
  void ruleQuotaCountsIpv4AndIpv6Separately() {
    assertThat(Canonicalizer.canonicalize(manyRules(60, 60, 0)).ok()).isTrue();
    Canonicalizer.Result over = Canonicalizer.canonicalize(manyRules(61, 0, 0));
    assertThat(over.ok()).isFalse();
    assertThat(over.errors().get(0).field()).isEqualTo("spec.ingress");
    assertThat(over.errors().get(0).message())
        .contains("61 IPv4 and 0 IPv6 rules")
        .contains("quota of 60");
    assertThat(Canonicalizer.canonicalize(manyRules(0, 61, 0)).ok()).isFalse();
  }

  @Test
  void aGroupReferenceCountsOnceForEachFamily() {
    assertThat(Canonicalizer.canonicalize(manyRules(59, 59, 1)).ok()).isTrue();
    assertThat(Canonicalizer.canonicalize(manyRules(60, 0, 1)).ok()).isFalse();
    assertThat(Canonicalizer.canonicalize(manyRules(0, 60, 1)).ok()).isFalse();
  }

  @Test
  void aPrefixListCountsAsItsMaximumEntries() {
    List<RuleSpec> specs = new ArrayList<>(manyRules(30, 0, 0));
    specs.add(
        RuleSpec.of(
            "spec.ingress[1]",
            Direction.INGRESS,
            "tcp",
            List.of("443"),
            List.of(PeerSpec.prefixList("pl-0123abcd"))));
    Map<String, RuleCounts.PrefixListSize> sizes =
        Map.of(
            "pl-0123abcd",
            new RuleCounts.PrefixListSize(31, RuleCounts.PrefixListSize.Family.IPV4));
    Canonicalizer.Result r = Canonicalizer.canonicalize(specs, Quotas.DEFAULT, sizes);
    assertThat(r.ok()).isFalse();
    assertThat(r.errors().get(0).message()).contains("61 IPv4 and 0 IPv6");
    Map<String, RuleCounts.PrefixListSize> smaller =
        Map.of(
            "pl-0123abcd",
            new RuleCounts.PrefixListSize(30, RuleCounts.PrefixListSize.Family.IPV4));
    assertThat(Canonicalizer.canonicalize(specs, Quotas.DEFAULT, smaller).ok()).isTrue();
  }

  @Test
  void raisedQuotasAreHonoured() {
    assertThat(Canonicalizer.canonicalize(manyRules(100, 0, 0), new Quotas(100, 5), Map.of()).ok())
        .isTrue();
    assertThat(Canonicalizer.canonicalize(manyRules(101, 0, 0), new Quotas(100, 5), Map.of()).ok())
        .isFalse();
  }

  @Test
  void rulesRoundTripThroughSpecs() {
    Canonicalizer.Result r =
        Canonicalizer.canonicalize(
            List.of(
                tcp("22,8000-8080", "10.1.0.0/16"),
                rule("udp", List.of("dns"), PeerSpec.cidr("::/0"), PeerSpec.selfRef()),
                rule("all", List.of(), PeerSpec.group("bastion"))));
    List<RuleSpec> back = r.rules().stream().map(x -> Canonicalizer.toSpec(x, "x")).toList();
    assertThat(Canonicalizer.canonicalize(back).rules()).isEqualTo(r.rules());
  }
}
