package dev.portcullis.engine.eval.flowlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.portcullis.engine.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

class AttributorTest {
  private static final Attributor ATTRIBUTOR = FlowLogFixtures.attributor();
  private static final FlowLogParser PARSER = new FlowLogParser(FlowLogFormat.DEFAULT);

  private static Attribution attribute(
      String eni, String src, String dst, int port, int protocol, String action) {
    return ATTRIBUTOR.attribute(
        PARSER.parse(FlowLogFixtures.line(eni, src, dst, port, protocol, action)).record());
  }

  private static FlowReason reason(
      String eni, String src, String dst, int port, int protocol, String action) {
    Attribution a = attribute(eni, src, dst, port, protocol, action);
    assertThat(a.skip()).as("skipped: %s", a.detail()).isNull();
    return a.key().reason();
  }

  @Test
  void aRejectNoIngressRuleAllowsIsTheIngressRules() {
    Attribution a = attribute("eni-web", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT");
    assertThat(a.key())
        .isEqualTo(
            new FlowKey(
                FlowLogFixtures.SHOP,
                Direction.INGRESS,
                "tcp",
                "22",
                false,
                FlowReason.NO_INGRESS_RULE));
    assertThat(a.groupIds()).containsExactly("sg-web");
  }

  @Test
  void aRejectTheGroupsAllowIsNotASecurityGroup() {
    assertThat(reason("eni-web", "10.0.0.20", "10.0.0.10", 22, 6, "REJECT"))
        .as("SSH from a member of the referenced group")
        .isEqualTo(FlowReason.NOT_SECURITY_GROUP);
    assertThat(reason("eni-web", "198.51.100.7", "10.0.0.10", 443, 6, "REJECT"))
        .isEqualTo(FlowReason.NOT_SECURITY_GROUP);
    assertThat(reason("eni-bastion", "10.0.0.20", "10.0.0.10", 22, 6, "REJECT"))
        .as("leaving by the one egress rule")
        .isEqualTo(FlowReason.NOT_SECURITY_GROUP);
  }

  @Test
  void aRejectLeavingThatNoEgressRuleAllowsIsTheEgressRules() {
    Attribution a = attribute("eni-bastion", "10.0.0.20", "10.0.0.10", 80, 6, "REJECT");
    assertThat(a.key())
        .isEqualTo(
            new FlowKey(
                Owner.UNMANAGED, Direction.EGRESS, "tcp", "80", false, FlowReason.NO_EGRESS_RULE));
  }

  @Test
  void aGroupReferenceMatchesOnlyAMemberOfTheGroup() {
    assertThat(reason("eni-web", "10.0.0.30", "10.0.0.10", 22, 6, "REJECT"))
        .as("odd is no member of the bastion group")
        .isEqualTo(FlowReason.NO_INGRESS_RULE);
  }

  @Test
  void acceptsAreCountedAsAllowed() {
    Attribution a = attribute("eni-web", "198.51.100.7", "10.0.0.10", 5000, 6, "ACCEPT");
    assertThat(a.key())
        .isEqualTo(
            new FlowKey(
                FlowLogFixtures.SHOP, Direction.INGRESS, "tcp", "other", true, FlowReason.ALLOWED));
  }

  @Test
  void portsHaveBoundedLabels() {
    assertThat(attribute("eni-web", "198.51.100.7", "10.0.0.10", 8080, 6, "ACCEPT").key().port())
        .as("named by a managed rule")
        .isEqualTo("8080");
    assertThat(attribute("eni-web", "198.51.100.7", "10.0.0.10", 3389, 6, "ACCEPT").key().port())
        .as("classic")
        .isEqualTo("3389");
    assertThat(attribute("eni-web", "198.51.100.7", "10.0.0.10", 53, 17, "ACCEPT").key().port())
        .isEqualTo("other");
    Attribution icmp = attribute("eni-web", "198.51.100.7", "10.0.0.10", 0, 1, "ACCEPT");
    assertThat(icmp.key().protocol()).isEqualTo("icmp");
    assertThat(icmp.key().port()).isEmpty();
    assertThat(attribute("eni-web", "198.51.100.7", "10.0.0.10", 0, 50, "ACCEPT").key().protocol())
        .isEqualTo("other");
  }

  @Test
  void whatTheStateCannotDecideIsSkippedNeverBlamed() {
    assertThat(attribute("eni-web", "198.51.100.7", "10.0.0.10", 8080, 6, "REJECT").skip())
        .as("a prefix list might allow it")
        .isEqualTo(Skip.UNDECIDED);
    assertThat(attribute("eni-web", "10.0.1.5", "10.0.0.10", 0, 1, "REJECT").skip())
        .as("ICMP of unknown type where only echo is allowed")
        .isEqualTo(Skip.UNDECIDED);
    assertThat(attribute("eni-odd", "198.51.100.7", "10.0.0.30", 22, 6, "REJECT").skip())
        .as("a group the state does not hold might allow it")
        .isEqualTo(Skip.UNDECIDED);
    assertThat(reason("eni-odd", "198.51.100.7", "10.0.0.30", 443, 6, "REJECT"))
        .as("a group the state holds allows it")
        .isEqualTo(FlowReason.NOT_SECURITY_GROUP);
    assertThat(reason("eni-web", "198.51.100.7", "10.0.0.10", 0, 1, "REJECT"))
        .as("no ICMP rule of any type for this source")
        .isEqualTo(FlowReason.NO_INGRESS_RULE);
    assertThat(reason("eni-bastion", "198.51.100.7", "10.0.0.20", 0, 1, "REJECT"))
        .as("every ICMP type allowed")
        .isEqualTo(FlowReason.NOT_SECURITY_GROUP);
  }

  @Test
  void unknownInterfacesAndDirectionsAreSkipped() {
    Attribution unknown = attribute("eni-gone", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT");
    assertThat(unknown.skip()).isEqualTo(Skip.UNKNOWN_INTERFACE);
    assertThat(unknown.detail()).isEqualTo("eni-gone");
    Attribution neither = attribute("eni-web", "10.0.0.98", "10.0.0.99", 22, 6, "REJECT");
    assertThat(neither.skip()).isEqualTo(Skip.UNKNOWN_DIRECTION);
    assertThat(neither.detail()).contains("10.0.0.10");
  }

  @Test
  void theRecordsFlowDirectionIsTakenAsItIs() {
    FlowLogParser p =
        new FlowLogParser(
            FlowLogFormat.of(
                "interface-id flow-direction srcaddr dstaddr dstport protocol action"));
    FlowLogRecord r = p.parse("eni-web egress 10.0.0.10 198.51.100.7 22 6 REJECT").record();
    assertThat(ATTRIBUTOR.attribute(r).key().reason())
        .as("the default egress rule allows it")
        .isEqualTo(FlowReason.NOT_SECURITY_GROUP);
    assertThat(ATTRIBUTOR.attribute(r).key().direction()).isEqualTo(Direction.EGRESS);
  }

  @Test
  void theTallyCountsEachLineOnceAsAFlowOrASkip() {
    List<String> pieces =
        List.of(
            FlowLogFixtures.line("eni-web", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT"),
            FlowLogFixtures.line("eni-web", "198.51.100.7", "10.0.0.10", 443, 6, "ACCEPT"),
            FlowLogFixtures.line("eni-bastion", "10.0.0.20", "10.0.0.10", 80, 6, "REJECT"),
            FlowLogFixtures.line("eni-gone", "198.51.100.7", "10.0.0.10", 22, 6, "REJECT"),
            FlowLogFixtures.line("eni-web", "198.51.100.7", "10.0.0.10", 8080, 6, "REJECT"),
            "garbage",
            "");
    qt().withExamples(300)
        .forAll(SourceDSL.longs().all())
        .checkAssert(
            seed -> {
              SplittableRandom rnd = new SplittableRandom(seed);
              List<String> lines = new ArrayList<>();
              int n = rnd.nextInt(200);
              for (int i = 0; i < n; i++) {
                lines.add(pieces.get(rnd.nextInt(pieces.size())));
              }
              FlowTally t = FlowTally.of(lines, PARSER, ATTRIBUTOR);
              long skipped = t.skipped().values().stream().mapToLong(Long::longValue).sum();
              assertThat(t.flowCount() + skipped).isEqualTo(n);
              assertThat(t.flowCount(FlowReason.NO_INGRESS_RULE))
                  .isEqualTo(lines.stream().filter(pieces.get(0)::equals).count());
              long packets = t.flows().values().stream().mapToLong(FlowTally.Counts::packets).sum();
              assertThat(packets).isEqualTo(3 * t.flowCount());
            });
    FlowTally one = FlowTally.of(pieces, PARSER, ATTRIBUTOR);
    assertThat(one.skipped())
        .containsEntry(Skip.MALFORMED, 2L)
        .containsEntry(Skip.UNKNOWN_INTERFACE, 1L)
        .containsEntry(Skip.UNDECIDED, 1L);
    assertThat(one.examples().get(Skip.MALFORMED).line()).isEqualTo("garbage");
  }
}
