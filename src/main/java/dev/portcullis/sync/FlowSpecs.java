package dev.portcullis.sync;

import dev.portcullis.api.v1alpha1.FlowSource;
import dev.portcullis.api.v1alpha1.ReachabilityCheckSpec;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedPorts;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.eval.Destination;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns the parts of a reachability question (from, to, protocol, port) into an engine {@link
 * Flow}, with a problem naming the field when a part is wrong.
 */
public final class FlowSpecs {
  private FlowSpecs() {}

  /**
   * The flow a ReachabilityCheck asks about.
   *
   * @param groupId the EC2 id of the SecurityGroup that {@code spec.from.securityGroup} names, when
   *     it names one (else {@code spec.from.securityGroupId} is used)
   * @return null when {@code problems} got an error
   */
  public static Flow of(ReachabilityCheckSpec spec, String groupId, List<Problem> problems) {
    FlowSource from = spec.getFrom();
    return flow(
        "spec",
        from.getCidr(),
        from.getInstanceId(),
        groupId != null ? groupId : from.getSecurityGroupId(),
        spec.getTo().getInstanceId(),
        spec.getTo().getCidr(),
        spec.getProtocol(),
        spec.getPort(),
        problems);
  }

  /**
   * What is wrong with a ReachabilityCheck's flow, before the SecurityGroup it may name has an EC2
   * group: the flow is only checked, never decided, so the group's name stands for its id.
   */
  public static List<Problem> check(ReachabilityCheckSpec spec) {
    List<Problem> problems = new ArrayList<>();
    of(spec, spec.getFrom().getSecurityGroup(), problems);
    return problems;
  }

  /**
   * @param cidr a source address or CIDR, or null
   * @param instanceId a source instance, or null
   * @param groupId a source group id (already resolved from a name), or null
   * @param to the destination instance, or null
   * @param toCidr the destination address or CIDR, or null
   */
  public static Flow flow(
      String field,
      String cidr,
      String instanceId,
      String groupId,
      String to,
      String toCidr,
      String protocol,
      Integer port,
      List<Problem> problems) {
    int before = problems.size();
    Source source = null;
    int set = (cidr != null ? 1 : 0) + (instanceId != null ? 1 : 0) + (groupId != null ? 1 : 0);
    if (set != 1) {
      problems.add(
          Problem.error(
              field + ".from",
              "set exactly one of cidr, instanceId, securityGroup or securityGroupId"));
    } else if (cidr != null) {
      source = source(cidr, field + ".from.cidr", problems);
    } else if (instanceId != null) {
      source = new Source.Instance(instanceId);
    } else {
      source = new Source.GroupMember(groupId);
    }
    Destination destination = null;
    boolean hasInstance = to != null && !to.isBlank();
    boolean hasCidr = toCidr != null && !toCidr.isBlank();
    if (hasInstance == hasCidr) {
      problems.add(Problem.error(field + ".to", "set exactly one of instanceId or cidr"));
    } else if (hasInstance) {
      destination = new Destination.Instance(to);
    } else {
      destination = destination(toCidr, field + ".to.cidr", problems);
      if (destination != null
          && source != null
          && !(source instanceof Source.Instance || source instanceof Source.GroupMember)) {
        problems.add(
            Problem.error(
                field + ".from",
                "a flow to an address needs a source that carries security groups: an instance"
                    + " (instanceId) or a group's member (securityGroup or securityGroupId);"
                    + " between two addresses no security group decides anything"));
      }
    }
    String protoText = protocol == null ? "tcp" : protocol;
    Optional<Protocol> p = Protocol.parse(protoText);
    if (p.isEmpty() || p.get().number() < 0) {
      problems.add(
          Problem.error(
              field + ".protocol",
              "\""
                  + protoText
                  + "\" is not a protocol a connection can use: tcp, udp, icmp, icmpv6 or a number"
                  + " 0-255"));
    }
    int portNumber = port == null ? -1 : port;
    if (p.isPresent() && (p.get().hasPorts() || p.get().isIcmp())) {
      int max = p.get().hasPorts() ? 65535 : 255;
      if (port == null || port < 0 || port > max) {
        problems.add(
            Problem.error(
                field + ".port",
                (port == null ? "required" : port + " is outside 0-" + max)
                    + " for protocol "
                    + p.get().name()
                    + (p.get().isIcmp() ? " (the ICMP type)" : "")));
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new Flow(source, destination, p.get(), portNumber);
  }

  /** An address (a host) or a CIDR (a range, allowed only when all of it is). */
  static Source source(String text, String field, List<Problem> problems) {
    String t = text.trim();
    if (t.indexOf('/') < 0) {
      Optional<Integer> v4 = Ip.parse4(t);
      if (v4.isPresent()) {
        return new Source.Address4(v4.get());
      }
      Optional<long[]> v6 = Ip.parse6(t);
      if (v6.isPresent()) {
        return new Source.Address6(v6.get()[0], v6.get()[1]);
      }
      problems.add(Problem.error(field, "\"" + text + "\" is not an IP address or CIDR"));
      return null;
    }
    Ip.CidrParse c = Ip.parseCidr(t);
    if (!c.ok()) {
      problems.add(Problem.error(field, c.error()));
      return null;
    }
    if (c.cidr() instanceof Cidr4 c4 && c4.prefixLength() == 32) {
      return new Source.Address4(c4.address());
    }
    if (c.cidr() instanceof Cidr6 c6 && c6.prefixLength() == 128) {
      return new Source.Address6(c6.high(), c6.low());
    }
    return new Source.Range(c.cidr());
  }

  /** A destination address (one host) or CIDR (every address of it). */
  static Destination destination(String text, String field, List<Problem> problems) {
    Source s = source(text, field, problems);
    if (s instanceof Source.Address4 a) {
      return new Destination.Address4(a.address());
    }
    if (s instanceof Source.Address6 a) {
      return new Destination.Address6(a.high(), a.low());
    }
    return s instanceof Source.Range r ? new Destination.Range(r.cidr()) : null;
  }

  /** Whether a word of a question is written as an address or CIDR rather than as a name. */
  private static boolean looksLikeAddress(String word) {
    return Character.isDigit(word.charAt(0)) || word.indexOf(':') >= 0;
  }

  /**
   * Parses a question written on the command line: {@code SOURCE DESTINATION [PROTOCOL/]PORT}, such
   * as {@code 203.0.113.7 i-0a000001 tcp/22} or {@code i-0a000001 8.8.8.8 tcp/443}. The source is
   * an address, a CIDR, an instance id, a group id, or a SecurityGroup resource name (resolved by
   * {@code groupIdsByName}); the destination an instance id, an address or a CIDR (then the source
   * must be an instance or a group).
   */
  public static Flow question(
      String text, Function<String, String> groupIdsByName, List<Problem> problems) {
    String field = "--ask \"" + text + "\"";
    String[] parts = text.trim().split("\\s+");
    if (parts.length != 3) {
      problems.add(
          Problem.error(
              field,
              "write SOURCE DESTINATION PROTOCOL/PORT, such as \"203.0.113.7 i-0a000001 tcp/22\""));
      return null;
    }
    String src = parts[0];
    String proto = "tcp";
    String portText = parts[2];
    int slash = portText.indexOf('/');
    if (slash >= 0) {
      proto = portText.substring(0, slash);
      portText = portText.substring(slash + 1);
    }
    Integer port = null;
    if (!portText.isEmpty()) {
      try {
        port = Integer.valueOf(portText);
      } catch (NumberFormatException e) {
        Optional<Integer> named = NamedPorts.lookup(portText);
        if (named.isEmpty()) {
          problems.add(Problem.error(field, "\"" + portText + "\" is not a port"));
          return null;
        }
        port = named.get();
      }
    }
    // The destination: an instance id, or an address or CIDR.
    String to = looksLikeAddress(parts[1]) ? null : parts[1];
    String toCidr = to == null ? parts[1] : null;
    if (src.startsWith("i-")) {
      return flow(field, null, src, null, to, toCidr, proto, port, problems);
    }
    if (src.startsWith("sg-")) {
      return flow(field, null, null, src, to, toCidr, proto, port, problems);
    }
    if (looksLikeAddress(src)) {
      return flow(field, src, null, null, to, toCidr, proto, port, problems);
    }
    String id = groupIdsByName.apply(src);
    if (id == null) {
      problems.add(
          Problem.error(
              field,
              "\""
                  + src
                  + "\" is neither an address, an instance id, a group id nor a SecurityGroup in"
                  + " the manifests"));
      return null;
    }
    return flow(field, null, null, id, to, toCidr, proto, port, problems);
  }
}
