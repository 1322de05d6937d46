package dev.portcullis.engine;

import java.util.Collection;
import java.util.Map;

/**
 * Counts rules the way EC2 counts them against the rules-per-group quota: per direction, separately
 * for IPv4 and IPv6. An IPv4 CIDR counts 1 toward IPv4, an IPv6 CIDR 1 toward IPv6; a rule that
 * references a security group counts as one rule for IPv4 and one for IPv6; a prefix list counts as
 * its maximum number of entries, toward both families unless its family is known.
 */
public record RuleCounts(int ipv4, int ipv6) {

  /** What EC2 knows of a prefix list for counting: its maximum entries and address family. */
  public record PrefixListSize(int maxEntries, Family family) {
    public enum Family {
      IPV4,
      IPV6
    }
  }

  /**
   * Counts the rules of one direction.
   *
   * @param prefixLists sizes of the prefix lists referenced; an unknown list counts as 1 entry
   */
  public static RuleCounts count(
      Collection<Rule> rules, Direction direction, Map<String, PrefixListSize> prefixLists) {
    int v4 = 0;
    int v6 = 0;
    for (Rule r : rules) {
      if (r.direction() != direction) {
        continue;
      }
      Peer p = r.peer();
      if (p instanceof Cidr4) {
        v4++;
      } else if (p instanceof Cidr6) {
        v6++;
      } else if (p instanceof PrefixListPeer pl) {
        PrefixListSize size = prefixLists.get(pl.prefixListId());
        int n = size == null ? 1 : size.maxEntries();
        if (size == null || size.family() == PrefixListSize.Family.IPV4) {
          v4 += n;
        }
        if (size == null || size.family() == PrefixListSize.Family.IPV6) {
          v6 += n;
        }
      } else {
        // a group reference (by id, name or self)
        v4++;
        v6++;
      }
    }
    return new RuleCounts(v4, v6);
  }

  public static RuleCounts count(Collection<Rule> rules, Direction direction) {
    return count(rules, direction, Map.of());
  }

  public boolean exceeds(int quota) {
    return ipv4 > quota || ipv6 > quota;
  }
}
