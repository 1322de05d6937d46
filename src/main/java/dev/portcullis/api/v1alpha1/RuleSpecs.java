package dev.portcullis.api.v1alpha1;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.PeerSpec;
import dev.portcullis.engine.RuleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Hands a SecurityGroup's rules to the engine: each CRD rule becomes one {@link RuleSpec}, as
 * written, with the field path the engine names in its problems. No validation happens here; the
 * schema has done what it can, and the engine does the rest.
 */
public final class RuleSpecs {
  private RuleSpecs() {}

  /** The ingress rules, then the egress rules, in spec order. */
  public static List<RuleSpec> toRuleSpecs(SecurityGroupSpec spec) {
    List<RuleSpec> out = new ArrayList<>();
    List<IngressRule> ingress = spec.getIngress();
    if (ingress != null) {
      for (int i = 0; i < ingress.size(); i++) {
        out.add(toRuleSpec("spec.ingress[" + i + "]", Direction.INGRESS, ingress.get(i)));
      }
    }
    List<EgressRule> egress = spec.getEgress();
    if (egress != null) {
      for (int i = 0; i < egress.size(); i++) {
        out.add(toRuleSpec("spec.egress[" + i + "]", Direction.EGRESS, egress.get(i)));
      }
    }
    return out;
  }

  /** The ids of the managed prefix lists the rules name, sorted, each once. */
  public static SortedSet<String> prefixListIds(SecurityGroupSpec spec) {
    return peers(spec, PeerSpec::prefixListId);
  }

  /** The names of the SecurityGroups the rules name, sorted, each once. */
  public static SortedSet<String> securityGroupNames(SecurityGroupSpec spec) {
    return peers(spec, PeerSpec::securityGroup);
  }

  private static SortedSet<String> peers(SecurityGroupSpec spec, Function<PeerSpec, String> part) {
    SortedSet<String> out = new TreeSet<>();
    if (spec == null) {
      return out;
    }
    for (RuleSpec r : toRuleSpecs(spec)) {
      for (PeerSpec p : r.peers()) {
        if (part.apply(p) != null) {
          out.add(part.apply(p));
        }
      }
    }
    return out;
  }

  /**
   * Whether the spec leaves egress out, and so keeps EC2's default allow-all egress rule. {@code
   * egress: []} is not that: it asks for no egress at all.
   */
  public static boolean keepsDefaultEgress(SecurityGroupSpec spec) {
    return spec.getEgress() == null;
  }

  static RuleSpec toRuleSpec(String path, Direction direction, AbstractRule rule) {
    IcmpMatch icmp = rule.getIcmp();
    return new RuleSpec(
        path,
        direction,
        rule.getProtocol(),
        rule.getPorts(),
        icmp == null ? null : icmp.getType(),
        icmp == null ? null : icmp.getCode(),
        toPeerSpecs(rule.peers()),
        rule.getDescription());
  }

  private static List<PeerSpec> toPeerSpecs(List<RulePeer> peers) {
    List<PeerSpec> out = new ArrayList<>();
    if (peers != null) {
      for (RulePeer p : peers) {
        if (p == null) {
          // The schema refuses null items; should one get through, the engine reports it.
          out.add(new PeerSpec(null, null, null, null, null));
          continue;
        }
        out.add(
            new PeerSpec(
                p.getCidr(),
                p.getSecurityGroup(),
                p.getSecurityGroupId(),
                p.getPrefixListId(),
                p.getSelf()));
      }
    }
    return out;
  }
}
