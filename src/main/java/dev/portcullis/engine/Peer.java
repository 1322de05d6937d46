package dev.portcullis.engine;

/**
 * The other side of a rule: who may connect (ingress) or be connected to (egress).
 *
 * <p>A canonical {@link Rule} only ever holds {@link Cidr4}, {@link Cidr6}, {@link GroupPeer} or
 * {@link PrefixListPeer}. {@link NamedGroupPeer} and {@link SelfPeer} are what a user writes; they
 * are resolved to group ids before rules are compared with EC2, because EC2 answers every group
 * reference, including a group's reference to itself, with a group id.
 */
public sealed interface Peer extends Comparable<Peer>
    permits Cidr4, Cidr6, GroupPeer, NamedGroupPeer, SelfPeer, PrefixListPeer {

  /** Orders kinds first (IPv4, IPv6, group, prefix list, then unresolved), then by value. */
  int kindOrder();

  /** How the peer is written in messages and in the CRD ({@code 10.0.0.0/8}, {@code sg-1}...). */
  String display();

  /** Whether this peer still needs resolving against the namespace or the owning group. */
  default boolean isResolved() {
    return true;
  }

  @Override
  default int compareTo(Peer o) {
    int k = Integer.compare(kindOrder(), o.kindOrder());
    if (k != 0) {
      return k;
    }
    return compareSameKind(o);
  }

  /** Compares with a peer of the same kind. */
  int compareSameKind(Peer o);
}
