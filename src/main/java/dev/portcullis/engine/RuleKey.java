package dev.portcullis.engine;

import java.util.Comparator;

/** A rule's identity in EC2: direction, protocol, ports and peer. Descriptions aside. */
public record RuleKey(Direction direction, Protocol protocol, int fromPort, int toPort, Peer peer)
    implements Comparable<RuleKey> {
  private static final Comparator<RuleKey> ORDER =
      Comparator.comparing(RuleKey::direction)
          .thenComparing(RuleKey::protocol)
          .thenComparingInt(RuleKey::fromPort)
          .thenComparingInt(RuleKey::toPort)
          .thenComparing(RuleKey::peer);

  public Rule withDescription(String description) {
    return new Rule(direction, protocol, fromPort, toPort, peer, description);
  }

  @Override
  public int compareTo(RuleKey o) {
    return ORDER.compare(this, o);
  }
}
