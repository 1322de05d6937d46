package dev.portcullis.cloud.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.PeerSpec;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.RuleCounts.PrefixListSize;
import dev.portcullis.engine.RuleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * A world's group rules and a SecurityGroup resource's rules are one language with one set of
 * checks: whatever rules are written, the world file says exactly what the engine says about them,
 * errors and warnings at the same places, and holds the rules the engine makes of them.
 */
class WorldRulesPropertiesTest {
  private static final String GROUP = "regions.eu-west-1.vpcs[0].groups[0]";
  private static final String PREFIX_LIST = "pl-0c0ffee1";

  // A small universe, so that rules collide and repeat often.
  private static final List<String> PROTOCOLS =
      List.of("tcp", "6", "udp", "icmp", "icmpv6", "all", "-1", "47");
  private static final List<String> PORTS = List.of("22", "ssh", "443", "8000-8080", "0-65535");
  private static final List<String> CIDRS =
      List.of("0.0.0.0/0", "10.0.0.0/8", "10.1.2.3/8", "::/0", "2001:db8::1/32");

  private static Gen<PeerSpec> peers() {
    return Generate.oneOf(
        Generate.pick(CIDRS).map(PeerSpec::cidr),
        Generate.pick(List.of("web", "db")).map(PeerSpec::group),
        Generate.constant(PeerSpec.prefixList(PREFIX_LIST)),
        Generate.constant(PeerSpec.selfRef()));
  }

  /**
   * Rules that fit their protocol, of which about one in four is then spoilt in one of the ways a
   * user gets a rule wrong.
   */
  private static Gen<RuleSpec> rules(Direction d) {
    Gen<List<String>> ports = SourceDSL.lists().of(Generate.pick(PORTS)).ofSizeBetween(1, 2);
    Gen<List<PeerSpec>> peerLists = SourceDSL.lists().of(peers()).ofSizeBetween(1, 3);
    Gen<String> descriptions = Generate.pick(List.of("", "web", "admins"));
    Gen<RuleSpec> fitting =
        Generate.pick(PROTOCOLS)
            .zip(
                ports,
                peerLists,
                descriptions,
                (p, ps, peers, desc) -> {
                  Protocol protocol = Protocol.parse(p).orElseThrow();
                  Integer type =
                      protocol.isIcmp() ? Integer.valueOf(ps.size() == 1 ? 8 : -1) : null;
                  return new RuleSpec(
                      null,
                      d,
                      p,
                      protocol.hasPorts() ? ps : List.of(),
                      type,
                      null,
                      peers,
                      desc.isEmpty() ? null : desc);
                });
    return fitting.zip(SourceDSL.integers().between(0, 35), WorldRulesPropertiesTest::spoil);
  }

  private static RuleSpec spoil(RuleSpec r, int how) {
    List<String> ports = new ArrayList<>(r.ports());
    List<PeerSpec> peers = new ArrayList<>(r.peers());
    String protocol = r.protocol();
    Integer type = r.icmpType();
    String description = r.description();
    switch (how) {
      case 0 -> protocol = "gre";
      case 1 -> ports.add("70000");
      case 2 -> ports.add("shh");
      case 3 -> ports.add("90-80");
      case 4 -> type = 256;
      case 5 -> peers.clear();
      case 6 -> peers.add(PeerSpec.cidr("10.0.0.0/33"));
      case 7 -> peers.add(new PeerSpec(null, null, null, null, Boolean.FALSE));
      case 8 -> description = "caf\u00e9";
      default -> {
        return r;
      }
    }
    return new RuleSpec(
        null, r.direction(), protocol, ports, type, r.icmpCode(), peers, description);
  }

  /** Ingress and egress rules, with the paths the world file gives them. */
  private static Gen<List<RuleSpec>> groups() {
    Gen<List<RuleSpec>> in = SourceDSL.lists().of(rules(Direction.INGRESS)).ofSizeBetween(0, 5);
    Gen<List<RuleSpec>> out = SourceDSL.lists().of(rules(Direction.EGRESS)).ofSizeBetween(0, 3);
    return in.zip(
        out,
        (i, o) -> {
          List<RuleSpec> all = new ArrayList<>();
          for (List<RuleSpec> side : List.of(i, o)) {
            for (int k = 0; k < side.size(); k++) {
              RuleSpec r = side.get(k);
              String path = GROUP + "." + r.direction().word() + "[" + k + "]";
              all.add(
                  new RuleSpec(
                      path,
                      r.direction(),
                      r.protocol(),
                      r.ports(),
                      r.icmpType(),
                      r.icmpCode(),
                      r.peers(),
                      r.description()));
            }
          }
          return all;
        });
  }

  @Test
  void aWorldSaysWhatTheEngineSaysAboutItsRules() {
    AtomicInteger loaded = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    qt().withExamples(500)
        .forAll(groups())
        .checkAssert(
            specs -> {
              Canonicalizer.Result engine =
                  Canonicalizer.canonicalize(
                      specs,
                      Quotas.DEFAULT,
                      Map.of(PREFIX_LIST, new PrefixListSize(10, PrefixListSize.Family.IPV4)));
              String yaml = world(specs);
              World world;
              try {
                world = WorldLoader.parse(yaml, "generated.yaml");
              } catch (WorldFileException e) {
                assertThat(engine.ok()).as(yaml + "\n" + e.getMessage()).isFalse();
                assertThat(places(e.problems())).as(yaml).isEqualTo(places(engine.errors()));
                refused.incrementAndGet();
                return;
              }
              assertThat(engine.errors()).as(yaml).isEmpty();
              assertThat(places(world.warnings())).isEqualTo(places(engine.warnings()));
              World.GroupSpec web = world.regions().get("eu-west-1").vpcs().get(0).groups().get(0);
              List<Object> held = new ArrayList<>(web.ingress());
              held.addAll(web.egress());
              assertThat(held).isEqualTo(new ArrayList<>(engine.rules()));
              loaded.incrementAndGet();
            });
    // Both outcomes were exercised, not one of them only.
    assertThat(loaded.get()).isGreaterThan(50);
    assertThat(refused.get()).isGreaterThan(50);
  }

  /** Where problems are, with the engine's name for a whole direction put as the world has it. */
  private static List<String> places(List<Problem> problems) {
    return problems.stream()
        .map(p -> p.field().startsWith("spec.") ? GROUP + p.field().substring(4) : p.field())
        .collect(Collectors.toList());
  }

  /** The world file that declares group web (with the rules) and db, in the resource's shape. */
  private static String world(List<RuleSpec> specs) {
    StringBuilder y = new StringBuilder();
    y.append("regions:\n  eu-west-1:\n");
    y.append("    prefixLists: [{id: ").append(PREFIX_LIST).append(", maxEntries: 10}]\n");
    y.append("    vpcs:\n    - id: vpc-0a000001\n      cidr: 10.0.0.0/16\n      groups:\n");
    y.append("      - name: web\n");
    for (Direction d : Direction.values()) {
      // Always written, so that no default egress rule is added: [] means none.
      y.append("        ").append(d.word()).append(":");
      List<RuleSpec> side = specs.stream().filter(s -> s.direction() == d).toList();
      y.append(side.isEmpty() ? " []\n" : "\n");
      for (RuleSpec s : side) {
        y.append("        - protocol: ").append(quoted(s.protocol())).append('\n');
        if (!s.ports().isEmpty()) {
          y.append("          ports: [")
              .append(
                  s.ports().stream()
                      .map(WorldRulesPropertiesTest::quoted)
                      .collect(Collectors.joining(", ")))
              .append("]\n");
        }
        if (s.icmpType() != null) {
          y.append("          icmp: {type: ").append(s.icmpType()).append("}\n");
        }
        if (s.description() != null) {
          y.append("          description: ").append(quoted(s.description())).append('\n');
        }
        y.append("          ")
            .append(d == Direction.INGRESS ? "from" : "to")
            .append(": [")
            .append(
                s.peers().stream()
                    .map(WorldRulesPropertiesTest::peer)
                    .collect(Collectors.joining(", ")))
            .append("]\n");
      }
    }
    y.append("      - name: db\n");
    return y.toString();
  }

  private static String peer(PeerSpec p) {
    if (p.cidr() != null) {
      return "{cidr: " + quoted(p.cidr()) + "}";
    }
    if (p.securityGroup() != null) {
      return "{securityGroup: " + quoted(p.securityGroup()) + "}";
    }
    if (p.prefixListId() != null) {
      return "{prefixListId: " + quoted(p.prefixListId()) + "}";
    }
    return "{self: " + p.self() + "}";
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
