package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Generators of rules and specs over a deliberately small universe, so that random lists overlap,
 * collide and repeat often: that is where plans and canonical forms go wrong.
 */
final class Generators {
  private Generators() {}

  static final List<String> CIDRS =
      List.of(
          "0.0.0.0/0",
          "10.0.0.0/8",
          "10.1.2.3/8",
          "203.0.113.7/32",
          "192.168.1.0/24",
          "::/0",
          "2001:db8::/32",
          "2001:db8::1/32");
  static final List<String> GROUP_IDS = List.of("sg-0000000a", "sg-0000000b", "sg-0000000c");
  static final List<String> PORTS = List.of("22", "ssh", "80", "443", "8000-8080", "0-65535");
  static final List<String> PROTOCOLS = List.of("tcp", "6", "udp", "17", "icmp", "all", "-1", "47");

  static Gen<PeerSpec> peers() {
    return Generate.oneOf(
        Generate.pick(CIDRS).map(PeerSpec::cidr),
        Generate.pick(GROUP_IDS).map(PeerSpec::groupId),
        Generate.constant(PeerSpec.prefixList("pl-0123abcd")));
  }

  static Gen<RuleSpec> specs() {
    Gen<Direction> dir = Generate.enumValues(Direction.class);
    Gen<String> proto = Generate.pick(PROTOCOLS);
    Gen<List<String>> ports = SourceDSL.lists().of(Generate.pick(PORTS)).ofSizeBetween(1, 3);
    Gen<List<PeerSpec>> peerLists = SourceDSL.lists().of(peers()).ofSizeBetween(1, 3);
    Gen<String> desc = Generate.pick(List.of("", "web", "admins"));
    return dir.zip(
        proto,
        ports,
        peerLists,
        desc,
        (d, p, ps, peers, ds) -> {
          Protocol protocol = Protocol.parse(p).orElseThrow();
          List<String> portList = protocol.hasPorts() ? ps : List.of();
          Integer type =
              protocol.isIcmp() ? Integer.valueOf(ps.get(0).length() % 2 == 0 ? 8 : -1) : null;
          return new RuleSpec("spec." + d.word() + "[0]", d, p, portList, type, null, peers, ds);
        });
  }

  static Gen<List<RuleSpec>> specLists() {
    return SourceDSL.lists().of(specs()).ofSizeBetween(0, 8);
  }

  /** Canonical rules, as EC2 would hold them. */
  static Gen<List<Rule>> ruleLists() {
    return specLists().map(s -> Canonicalizer.canonicalize(s).rules());
  }

  static <T> List<T> shuffled(List<T> in, long seed) {
    List<T> out = new ArrayList<>(in);
    java.util.Collections.shuffle(out, new java.util.Random(seed));
    return out;
  }
}
