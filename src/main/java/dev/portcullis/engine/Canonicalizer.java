package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Validates rules as users write them and turns them into canonical {@link Rule}s.
 *
 * <p>Each normalisation exists because EC2 (or a user) can say the same thing in two ways, and two
 * spellings of one rule must never show up as a difference (drift) between Kubernetes and EC2:
 *
 * <ul>
 *   <li>one peer and one port range per rule: EC2 stores rules atomically (one {@code sgr-} id
 *       each) but groups several ranges under one permission when it answers, so only atomic rules
 *       compare reliably;
 *   <li>protocol names and numbers unified ({@code tcp} and {@code 6}): EC2 answers with either;
 *   <li>CIDR host bits masked ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}) and reported as a warning:
 *       EC2 stores the masked form;
 *   <li>ports set to {@code -1} where the protocol has none ({@code all}, GRE...): EC2 ignores them
 *       there;
 *   <li>descriptions: null and empty are the same; EC2 does not keep an empty description;
 *   <li>sorted and de-duplicated: order never matters to EC2.
 * </ul>
 *
 * <p>Canonicalisation is idempotent: feeding canonical rules back (see {@link #toSpec(Rule,
 * String)}) gives the same rules.
 */
public final class Canonicalizer {
  private Canonicalizer() {}

  /**
   * Canonical rules (sorted, unique) and every problem found, errors and warnings. When there is
   * any error the rules are empty: an invalid group is never applied in part.
   */
  public record Result(List<Rule> rules, List<Problem> problems) {
    public Result {
      rules = List.copyOf(rules);
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.stream().noneMatch(Problem::isError);
    }

    public List<Problem> errors() {
      return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
      return problems.stream().filter(p -> !p.isError()).toList();
    }
  }

  /** Canonicalises with the default quotas and no prefix-list sizes. */
  public static Result canonicalize(List<RuleSpec> specs) {
    return canonicalize(specs, Quotas.DEFAULT, Map.of());
  }

  /**
   * Validates and canonicalises the rules of one group (both directions), and checks the
   * rules-per-group quota of each direction.
   *
   * @param specs the group's rules; {@code path}s name them in problems
   * @param quotas the account's quotas
   * @param prefixLists sizes of referenced prefix lists, for quota counting
   */
  public static Result canonicalize(
      List<RuleSpec> specs, Quotas quotas, Map<String, RuleCounts.PrefixListSize> prefixLists) {
    List<Problem> problems = new ArrayList<>();
    Map<RuleKey, Rule> byKey = new HashMap<>();
    Map<RuleKey, String> origin = new HashMap<>();
    for (RuleSpec spec : specs) {
      for (Located r : expand(spec, problems)) {
        Rule prev = byKey.putIfAbsent(r.rule.key(), r.rule);
        if (prev == null) {
          origin.put(r.rule.key(), r.path);
        } else if (!prev.description().equals(r.rule.description())) {
          problems.add(
              Problem.error(
                  r.path,
                  "the rule \""
                      + r.rule.withDescription("").display()
                      + "\" is also at "
                      + origin.get(r.rule.key())
                      + " with another description (\""
                      + prev.description()
                      + "\" and \""
                      + r.rule.description()
                      + "\"); EC2 holds one description per rule"));
        }
      }
    }
    List<Rule> rules = new ArrayList<>(new TreeSet<>(byKey.values()));
    for (Direction d : Direction.values()) {
      RuleCounts c = RuleCounts.count(rules, d, prefixLists);
      if (c.exceeds(quotas.rulesPerDirection())) {
        problems.add(
            Problem.error(
                "spec." + d.word(),
                d.word()
                    + " expands to "
                    + c.ipv4()
                    + " IPv4 and "
                    + c.ipv6()
                    + " IPv6 rules (one per port range and peer; a group reference counts for"
                    + " both, a prefix list as its maximum entries), above the quota of "
                    + quotas.rulesPerDirection()
                    + " per direction and address family"));
      }
    }
    // An invalid group yields no rules at all: nothing of it may be applied.
    boolean invalid = problems.stream().anyMatch(Problem::isError);
    return new Result(invalid ? List.of() : rules, problems);
  }

  /** Canonical form of rules that are already {@link Rule}s: sorted, unique, masked. */
  public static List<Rule> normalize(Collection<Rule> rules) {
    return new ArrayList<>(new TreeSet<>(rules.stream().map(Canonicalizer::normalize).toList()));
  }

  /** Canonical form of one rule (ports of port-less protocols to -1). */
  public static Rule normalize(Rule r) {
    Protocol p = r.protocol();
    if (!p.hasPorts() && !p.isIcmp() && (r.fromPort() != -1 || r.toPort() != -1)) {
      return new Rule(r.direction(), p, -1, -1, r.peer(), r.description());
    }
    if (p.isIcmp() && r.fromPort() == -1 && r.toPort() != -1) {
      return new Rule(r.direction(), p, -1, -1, r.peer(), r.description());
    }
    return r;
  }

  /**
   * Builds a canonical rule from EC2's own encoding (IpProtocol such as {@code "6"}, {@code "tcp"}
   * or {@code "-1"}; FromPort and ToPort possibly absent).
   */
  public static Rule fromEc2(
      Direction direction,
      String ipProtocol,
      Integer fromPort,
      Integer toPort,
      Peer peer,
      String description) {
    Protocol p =
        Protocol.parse(ipProtocol)
            .orElseThrow(() -> new IllegalArgumentException("unknown IpProtocol " + ipProtocol));
    int from = fromPort == null ? -1 : fromPort;
    int to = toPort == null ? -1 : toPort;
    if (p.hasPorts() && from == -1 && to == -1) {
      from = 0;
      to = 65535;
    }
    return normalize(new Rule(direction, p, from, to, peer, description));
  }

  /** A rule written back as a spec, the inverse of canonicalisation. */
  public static RuleSpec toSpec(Rule r, String path) {
    List<String> ports = List.of();
    Integer type = null;
    Integer code = null;
    if (r.protocol().hasPorts()) {
      ports =
          List.of(
              r.fromPort() == r.toPort()
                  ? Integer.toString(r.fromPort())
                  : r.fromPort() + "-" + r.toPort());
    } else if (r.protocol().isIcmp()) {
      type = r.fromPort();
      code = r.toPort();
    }
    return new RuleSpec(
        path,
        r.direction(),
        r.protocol().name(),
        ports,
        type,
        code,
        List.of(toPeerSpec(r.peer())),
        r.description());
  }

  static PeerSpec toPeerSpec(Peer p) {
    if (p instanceof Cidr4 || p instanceof Cidr6) {
      return PeerSpec.cidr(p.display());
    } else if (p instanceof GroupPeer g) {
      return PeerSpec.groupId(g.groupId());
    } else if (p instanceof NamedGroupPeer n) {
      return PeerSpec.group(n.name());
    } else if (p instanceof PrefixListPeer pl) {
      return PeerSpec.prefixList(pl.prefixListId());
    }
    return PeerSpec.selfRef();
  }

  private record Located(Rule rule, String path) {}

  private record PortRange(int from, int to, String path) {}

  private static List<Located> expand(RuleSpec spec, List<Problem> problems) {
    String path = spec.path() == null ? spec.direction().word() : spec.path();
    int before = errorCount(problems);
    String protoText = spec.protocol() == null ? "tcp" : spec.protocol();
    Optional<Protocol> parsed = Protocol.parse(protoText);
    if (parsed.isEmpty()) {
      problems.add(
          Problem.error(
              path + ".protocol",
              "unknown protocol \""
                  + protoText
                  + "\": use tcp, udp, icmp, icmpv6, all (or -1), or an IP protocol number"
                  + " 0-255"));
      checkPeers(spec, path, problems); // still report the peers' problems
      return List.of();
    }
    Protocol protocol = parsed.get();
    List<PortRange> ranges = new ArrayList<>();
    if (protocol.hasPorts()) {
      if (spec.icmpType() != null || spec.icmpCode() != null) {
        problems.add(
            Problem.error(
                path + ".icmp", "ICMP type and code only apply to protocol icmp or icmpv6"));
      }
      if (spec.ports().isEmpty()) {
        problems.add(
            Problem.error(
                path + ".ports",
                "required for protocol "
                    + protocol.name()
                    + " (write \"0-65535\" to allow every port)"));
      }
      for (int i = 0; i < spec.ports().size(); i++) {
        parsePort(spec.ports().get(i), path + ".ports[" + i + "]", problems).ifPresent(ranges::add);
      }
    } else if (protocol.isIcmp()) {
      if (!spec.ports().isEmpty()) {
        problems.add(
            Problem.error(
                path + ".ports",
                protocol.name() + " has no ports: use icmp.type and icmp.code instead"));
      }
      int type = spec.icmpType() == null ? -1 : spec.icmpType();
      int code = spec.icmpCode() == null ? -1 : spec.icmpCode();
      boolean valid = true;
      if (type < -1 || type > 255) {
        problems.add(
            Problem.error(path + ".icmp.type", type + " is outside -1..255 (-1 means any type)"));
        valid = false;
      }
      if (code < -1 || code > 255) {
        problems.add(
            Problem.error(path + ".icmp.code", code + " is outside -1..255 (-1 means any code)"));
        valid = false;
      }
      if (type == -1 && code != -1) {
        problems.add(
            Problem.error(path + ".icmp.code", "a code needs a type: set icmp.type as well"));
        valid = false;
      }
      if (valid) {
        ranges.add(new PortRange(type, code, path));
      }
    } else {
      if (!spec.ports().isEmpty()) {
        problems.add(
            Problem.error(
                path + ".ports",
                "ports are not allowed with protocol "
                    + protocol.name()
                    + (protocol.number() == -1
                        ? ": it always covers every protocol and port"
                        : ": EC2 applies ports only to tcp, udp, icmp and icmpv6")));
      }
      if (spec.icmpType() != null || spec.icmpCode() != null) {
        problems.add(
            Problem.error(
                path + ".icmp", "ICMP type and code only apply to protocol icmp or icmpv6"));
      }
      ranges.add(new PortRange(-1, -1, path));
    }
    String description = spec.description() == null ? "" : spec.description();
    for (Problem p : Validation.description(path + ".description", description)) {
      problems.add(p);
    }
    List<Located> peers = checkPeers(spec, path, problems);
    if (errorCount(problems) > before) {
      return List.of();
    }
    List<Located> out = new ArrayList<>();
    for (PortRange r : ranges) {
      for (Located peer : peers) {
        out.add(
            new Located(
                new Rule(spec.direction(), protocol, r.from, r.to, peer.rule.peer(), description),
                r.path));
      }
    }
    return out;
  }

  private static int errorCount(List<Problem> problems) {
    return (int) problems.stream().filter(Problem::isError).count();
  }

  private static Optional<PortRange> parsePort(String text, String field, List<Problem> problems) {
    if (text == null || text.isBlank()) {
      problems.add(Problem.error(field, "empty port"));
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (Character.isLetter(t.charAt(0))) {
      Optional<Integer> named = NamedPorts.lookup(t);
      if (named.isEmpty()) {
        problems.add(
            Problem.error(
                field,
                "unknown port name \""
                    + text
                    + "\""
                    + suggestion(t)
                    + "; use a number, a range such as 8000-8080, or one of "
                    + String.join(", ", NamedPorts.all().keySet())));
        return Optional.empty();
      }
      return Optional.of(new PortRange(named.get(), named.get(), field));
    }
    int dash = t.indexOf('-', 1);
    String a = dash < 0 ? t : t.substring(0, dash).trim();
    String b = dash < 0 ? t : t.substring(dash + 1).trim();
    Integer from = number(a);
    Integer to = number(b);
    if (from == null || to == null) {
      problems.add(
          Problem.error(
              field,
              "\""
                  + text
                  + "\" is not a port: write a number (443), a range (8000-8080) or a name"));
      return Optional.empty();
    }
    boolean ok = true;
    for (int p : new int[] {from, to}) {
      if (p > 65535) {
        problems.add(Problem.error(field, "port " + p + " is outside 0-65535"));
        ok = false;
      }
    }
    if (ok && from > to) {
      problems.add(
          Problem.error(
              field,
              "range \""
                  + text
                  + "\" starts at "
                  + from
                  + ", after its end "
                  + to
                  + "; write it as "
                  + to
                  + "-"
                  + from));
      ok = false;
    }
    return ok ? Optional.of(new PortRange(from, to, field)) : Optional.empty();
  }

  private static Integer number(String s) {
    if (s.isEmpty() || s.length() > 9 || !Ip.isAsciiDigits(s)) {
      return null;
    }
    return Integer.parseInt(s);
  }

  private static String suggestion(String name) {
    String best = null;
    int bestDistance = 3;
    for (String known : NamedPorts.all().keySet()) {
      int d = distance(name, known);
      if (d < bestDistance) {
        bestDistance = d;
        best = known;
      }
    }
    return best == null ? "" : " (did you mean \"" + best + "\"?)";
  }

  /** Levenshtein distance, for "did you mean" hints. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static List<Located> checkPeers(RuleSpec spec, String path, List<Problem> problems) {
    String word = spec.direction() == Direction.INGRESS ? "from" : "to";
    List<Located> out = new ArrayList<>();
    if (spec.peers().isEmpty()) {
      problems.add(
          Problem.error(
              path + "." + word,
              "at least one peer is required (cidr, securityGroup, securityGroupId, prefixListId"
                  + " or self)"));
      return out;
    }
    for (int i = 0; i < spec.peers().size(); i++) {
      String field = path + "." + word + "[" + i + "]";
      peer(spec.peers().get(i), field, problems).ifPresent(p -> out.add(new Located(p, field)));
    }
    return out;
  }

  private static Optional<Rule> peer(PeerSpec p, String field, List<Problem> problems) {
    if (p == null) {
      problems.add(Problem.error(field, "empty peer"));
      return Optional.empty();
    }
    List<String> set = new ArrayList<>();
    if (p.cidr() != null) {
      set.add("cidr");
    }
    if (p.securityGroup() != null) {
      set.add("securityGroup");
    }
    if (p.securityGroupId() != null) {
      set.add("securityGroupId");
    }
    if (p.prefixListId() != null) {
      set.add("prefixListId");
    }
    if (p.self() != null) {
      set.add("self");
    }
    if (set.size() != 1) {
      problems.add(
          Problem.error(
              field,
              set.isEmpty()
                  ? "empty peer: set exactly one of cidr, securityGroup, securityGroupId,"
                      + " prefixListId or self"
                  : "a peer names exactly one thing, but this one sets "
                      + String.join(" and ", set)
                      + "; split it into separate peers"));
      return Optional.empty();
    }
    Peer peer;
    if (p.cidr() != null) {
      Ip.CidrParse c = Ip.parseCidr(p.cidr());
      if (!c.ok()) {
        problems.add(Problem.error(field + ".cidr", c.error()));
        return Optional.empty();
      }
      if (c.hostBitsMasked()) {
        problems.add(
            Problem.warning(
                field + ".cidr",
                "\""
                    + p.cidr()
                    + "\" has host bits set; it means "
                    + c.cidr().display()
                    + ", which is what EC2 will hold"));
      }
      peer = c.cidr();
    } else if (p.securityGroup() != null) {
      if (!Validation.isKubernetesName(p.securityGroup())) {
        problems.add(
            Problem.error(
                field + ".securityGroup",
                "\""
                    + p.securityGroup()
                    + "\" is not the name of a SecurityGroup resource (lower-case letters,"
                    + " digits, '-' and '.')"));
        return Optional.empty();
      }
      peer = new NamedGroupPeer(p.securityGroup());
    } else if (p.securityGroupId() != null) {
      if (!Validation.isGroupId(p.securityGroupId())) {
        problems.add(
            Problem.error(
                field + ".securityGroupId",
                "\""
                    + p.securityGroupId()
                    + "\" is not a security group id (sg- and 8 or 17 hex)"));
        return Optional.empty();
      }
      peer = new GroupPeer(p.securityGroupId());
    } else if (p.prefixListId() != null) {
      if (!Validation.isPrefixListId(p.prefixListId())) {
        problems.add(
            Problem.error(
                field + ".prefixListId",
                "\"" + p.prefixListId() + "\" is not a prefix list id (pl- and 8 or 17 hex)"));
        return Optional.empty();
      }
      peer = new PrefixListPeer(p.prefixListId());
    } else {
      if (!p.self()) {
        problems.add(
            Problem.error(field + ".self", "self: false names nothing; remove the peer instead"));
        return Optional.empty();
      }
      peer = SelfPeer.INSTANCE;
    }
    return Optional.of(new Rule(Direction.INGRESS, Protocol.ALL, -1, -1, peer, ""));
  }
}
