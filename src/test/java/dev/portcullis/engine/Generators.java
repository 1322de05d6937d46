package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
          "2001:db8::1/32",
          "2001:db8::7/128");
  static final List<String> GROUP_IDS = List.of("sg-0000000a", "sg-0000000b", "sg-0000000c");
  static final List<String> PORTS = List.of("22", "ssh", "80", "443", "8000-8080", "0-65535");
  static final List<String> PROTOCOLS = List.of("tcp", "6", "udp", "17", "icmp", "all", "-1", "47");

  static Gen<PeerSpec> peers() {
    return Generate.oneOf(
        Generate.pick(CIDRS).map(PeerSpec::cidr),
        Generate.pick(GROUP_IDS).map(PeerSpec::groupId),
        Generate.constant(PeerSpec.prefixList("pl-0123abcd")),
        Generate.constant(PeerSpec.group("bastion")),
        Generate.constant(PeerSpec.selfRef()));
  }

  static Gen<RuleSpec> specs() {
    Gen<Direction> dir = Generate.enumValues(Direction.class);
    Gen<String> proto = Generate.pick(PROTOCOLS);
    Gen<List<String>> ports = SourceDSL.lists().of(Generate.pick(PORTS)).ofSizeBetween(1, 3);
    Gen<List<PeerSpec>> peerLists = SourceDSL.lists().of(peers()).ofSizeBetween(1, 3);
    return dir.zip(
        proto,
        ports,
        peerLists,
        (d, p, ps, peers) -> {
          Protocol protocol = Protocol.parse(p).orElseThrow();
          List<String> portList = protocol.hasPorts() ? ps : List.of();
          Integer type = null;
          Integer code = null;
          if (protocol.isIcmp()) {
            int shape = ps.get(0).length() % 3;
            type = shape == 0 ? -1 : 3;
            code = shape == 2 ? 1 : -1;
          }
          // One description per direction and protocol: two specs that expand to the same rule
          // then agree on its description, so generated groups are valid (and seldom empty).
          String ds =
              List.of("", "web", "admins")
                  .get(Math.floorMod(d.ordinal() * 7 + protocol.number(), 3));
          return new RuleSpec("spec." + d.word() + "[0]", d, p, portList, type, code, peers, ds);
        });
  }

  static Gen<List<RuleSpec>> specLists() {
    return SourceDSL.lists().of(specs()).ofSizeBetween(0, 8);
  }

  /** The id {@code self} resolves to, and the id of the SecurityGroup named "bastion". */
  static final String OWN_ID = "sg-0000000d";

  static final Map<String, String> NAMES = Map.of("bastion", "sg-0000000a");

  /** Canonical, resolved rules, as EC2 would hold them. */
  static Gen<List<Rule>> ruleLists() {
    return specLists()
        .map(s -> Resolver.resolve(Canonicalizer.canonicalize(s).rules(), OWN_ID, NAMES).rules());
  }

  /**
   * The same rule as EC2 might spell it in a describe answer: the protocol as a number, ports
   * absent where they do not apply, no description instead of an empty one.
   */
  static Rule ec2Spelling(Rule r) {
    boolean noPorts = !r.protocol().hasPorts() && !r.protocol().isIcmp();
    return Canonicalizer.fromEc2(
        r.direction(),
        Integer.toString(r.protocol().number()),
        noPorts ? null : r.fromPort(),
        noPorts ? null : r.toPort(),
        r.peer(),
        r.description().isEmpty() ? null : r.description());
  }

  static <T> List<T> shuffled(List<T> in, long seed) {
    List<T> out = new ArrayList<>(in);
    Collections.shuffle(out, new Random(seed));
    return out;
  }
}
