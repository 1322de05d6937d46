package dev.portcullis.engine;

import java.util.Comparator;
import java.util.Objects;

/**
 * One atomic security-group rule in canonical form: one direction, one protocol, one port range (or
 * ICMP type and code), one peer, and a description.
 *
 * <p>Port fields follow EC2's encoding so that values round-trip with the API: for tcp and udp
 * {@code fromPort..toPort} is a port range within 0-65535; for icmp and icmpv6 {@code fromPort} is
 * the ICMP type and {@code toPort} the code, {@code -1} meaning any; for every other protocol,
 * including {@code all}, both are {@code -1}. The description is never null ({@code ""} for none),
 * because EC2 does not distinguish an empty description from a missing one.
 *
 * <p>Two rules are the same EC2 rule when their {@link #key()}s are equal; the description is an
 * attribute EC2 lets you change in place.
 */
public record Rule(
    Direction direction, Protocol protocol, int fromPort, int toPort, Peer peer, String description)
    implements Comparable<Rule> {

  /** The rule every new EC2 security group starts with: all traffic out to 0.0.0.0/0. */
  public static final Rule DEFAULT_EGRESS =
      new Rule(Direction.EGRESS, Protocol.ALL, -1, -1, Cidr4.ANY, "");

  private static final Comparator<Rule> ORDER =
      Comparator.comparing(Rule::direction)
          .thenComparing(Rule::protocol)
          .thenComparingInt(Rule::fromPort)
          .thenComparingInt(Rule::toPort)
          .thenComparing(Rule::peer)
          .thenComparing(Rule::description);

  public Rule {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(peer, "peer");
    description = description == null ? "" : description;
  }

  /** The identity of the rule in EC2: everything but the description. */
  public RuleKey key() {
    return new RuleKey(direction, protocol, fromPort, toPort, peer);
  }

  public Rule withDescription(String d) {
    return new Rule(direction, protocol, fromPort, toPort, peer, d);
  }

  public Rule withPeer(Peer p) {
    return new Rule(direction, protocol, fromPort, toPort, p, description);
  }

  /** Whether this rule admits traffic of protocol {@code p} to port (or ICMP type) {@code port}. */
  public boolean coversTraffic(int p, int port) {
    if (!protocol.covers(p)) {
      return false;
    }
    if (protocol.hasPorts()) {
      return port >= fromPort && port <= toPort;
    }
    if (protocol.isIcmp()) {
      return fromPort == -1 || fromPort == port;
    }
    return true;
  }

  /** Ports as a user reads them: {@code 22}, {@code 8000-8080}, {@code all}, {@code type 8}. */
  public String portsDisplay() {
    if (protocol.hasPorts()) {
      if (fromPort == 0 && toPort == 65535) {
        return "all ports";
      }
      return fromPort == toPort ? "port " + fromPort : "ports " + fromPort + "-" + toPort;
    }
    if (protocol.isIcmp()) {
      if (fromPort == -1) {
        return "any type";
      }
      return "type " + fromPort + (toPort == -1 ? "" : " code " + toPort);
    }
    return "all ports";
  }

  /** A one-line description: {@code ingress tcp port 22 from 203.0.113.7/32 ("my laptop")}. */
  public String display() {
    String proto = protocol.number() == -1 ? "all traffic" : protocol.name() + " " + portsDisplay();
    String dir = direction == Direction.INGRESS ? " from " : " to ";
    String desc = description.isEmpty() ? "" : " (\"" + description + "\")";
    return direction.word() + " " + proto + dir + peer.display() + desc;
  }

  @Override
  public int compareTo(Rule o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return display();
  }
}
