package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EC2's unit of a rule call: one protocol and port range with several peers (IpPermission). Rules
 * are grouped into permissions to send one authorize or revoke call per direction, and EC2's
 * permissions are split back into atomic rules with {@link Canonicalizer#fromEc2}.
 */
public record Permission(
    Direction direction, Protocol protocol, int fromPort, int toPort, List<Rule> rules) {
  public Permission {
    rules = List.copyOf(rules);
  }

  /** Groups rules by direction, protocol and ports, keeping their canonical order. */
  public static List<Permission> group(Collection<Rule> rules) {
    Map<List<Object>, List<Rule>> byShape = new LinkedHashMap<>();
    for (Rule r : Canonicalizer.normalize(rules)) {
      byShape
          .computeIfAbsent(
              List.of(r.direction(), r.protocol(), r.fromPort(), r.toPort()),
              k -> new ArrayList<>())
          .add(r);
    }
    List<Permission> out = new ArrayList<>();
    for (List<Rule> rs : byShape.values()) {
      Rule f = rs.get(0);
      out.add(new Permission(f.direction(), f.protocol(), f.fromPort(), f.toPort(), rs));
    }
    return out;
  }
}
