package dev.portcullis.engine.eval.flowlog;

import static dev.portcullis.engine.eval.flowlog.FlowLogFixtures.line;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rejections of a batch, summed up per group of the interfaces that logged them. */
class DenialsTest {
  static FlowTally tally(List<String> lines) {
    return FlowTally.of(
        lines, new FlowLogParser(FlowLogFormat.DEFAULT), FlowLogFixtures.attributor());
  }

  static String texts(Denials.Summary s) {
    List<String> out = new ArrayList<>();
    for (Denials.Entry e : s.top()) {
      Denials.Key k = e.key();
      out.add(
          e.count()
              + " "
              + k.direction().word()
              + " "
              + k.protocol()
              + "/"
              + k.port()
              + " "
              + k.peerPrefix()
              + " "
              + k.reason().label());
    }
    return String.join(", ", out);
  }

  @Test
  void eachGroupOfTheInterfaceGetsItsRejectionsMostFrequentFirstByTheFarSidesPrefix() {
    List<String> lines = new ArrayList<>();
    // RDP to web from two addresses of one /24: one entry
    lines.addAll(
        Collections.nCopies(3, line("eni-web", "198.51.100.7", "10.0.0.10", 3389, 6, "REJECT")));
    lines.addAll(
        Collections.nCopies(2, line("eni-web", "198.51.100.8", "10.0.0.10", 3389, 6, "REJECT")));
    // HTTPS, which web allows: rejected by something else
    lines.add(line("eni-web", "192.0.2.1", "10.0.0.10", 443, 6, "REJECT"));
    // accepted: not a denial
    lines.addAll(
        Collections.nCopies(4, line("eni-web", "192.0.2.1", "10.0.0.10", 443, 6, "ACCEPT")));
    // the bastion's egress lets only SSH within the VPC out
    lines.add(line("eni-bastion", "10.0.0.20", "10.9.8.7", 80, 6, "REJECT"));
    // odd carries web and a group the state does not know: undecided, not counted
    lines.add(line("eni-odd", "198.51.100.7", "10.0.0.30", 3389, 6, "REJECT"));

    Map<String, Denials.Summary> byGroup = tally(lines).denials().byGroup(5);

    assertThat(byGroup).containsOnlyKeys("sg-web", "sg-bastion");
    assertThat(byGroup.get("sg-web").rejected()).isEqualTo(6);
    assertThat(texts(byGroup.get("sg-web")))
        .isEqualTo(
            "5 ingress tcp/3389 198.51.100.0/24 no_ingress_rule,"
                + " 1 ingress tcp/443 192.0.2.0/24 not_security_group");
    assertThat(texts(byGroup.get("sg-bastion")))
        .isEqualTo("1 egress tcp/80 10.9.8.0/24 no_egress_rule");
  }

  @Test
  void theTopIsCutAndAScanOfEveryPortKeepsABoundedNumberOfEntries() {
    List<String> lines = new ArrayList<>();
    for (int port = 1; port <= 2000; port++) {
      lines.add(line("eni-web", "198.51.100.7", "10.0.0.10", port, 6, "REJECT"));
    }
    Denials d = tally(lines).denials();
    Denials.Summary web = d.byGroup(5).get("sg-web");
    assertThat(web.rejected()).as("every rejection in the total").isEqualTo(2000);
    assertThat(web.top()).hasSize(5);
    assertThat(d.byGroup(Integer.MAX_VALUE).get("sg-web").top())
        .hasSize(Denials.KEYS_PER_INTERFACE);
  }

  @Test
  void protocolsWithoutPortsHaveNoneAndIpv6PeersAreTheir64() {
    Denials.Key icmp =
        new Denials.Key(
            dev.portcullis.engine.Direction.INGRESS,
            "icmpv6",
            -1,
            true,
            0x20010db800000000L,
            FlowReason.NO_INGRESS_RULE);
    assertThat(icmp.peerPrefix()).isEqualTo("2001:db8::/64");
    List<String> lines =
        List.of(
            "2 123456789012 eni-web 198.51.100.7 10.0.0.10 0 0 47 3 180 1700000000 1700000060 REJECT OK");
    Denials.Summary web = tally(lines).denials().byGroup(5).get("sg-web");
    assertThat(texts(web)).isEqualTo("1 ingress other/-1 198.51.100.0/24 no_ingress_rule");
  }
}
