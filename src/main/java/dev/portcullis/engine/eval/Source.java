package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Peer;

/**
 * Where a flow comes from: an address outside any instance (a laptop on the internet), a whole CIDR
 * (allowed only when every address in it is), an instance of the estate, or a hypothetical instance
 * that carries one group in a given region and VPC.
 *
 * <p>Routes: an external IPv4 source ({@link Address4}, or a {@link Range} of IPv4) with a public
 * address comes over the internet and reaches the destination's public IP, so a destination without
 * one is unreachable ({@link Reason#NO_ROUTE}); a private source (RFC 1918: 10/8, 172.16/12,
 * 192.168/16, or the shared 100.64/10; a range only when it lies wholly inside one) comes over a
 * VPN or Direct Connect and reaches the private IP, public IP or not. An external IPv6 source
 * ({@link Address6}, a {@link Range} of IPv6) needs the destination's interface to have an IPv6
 * address. A {@link GroupMember} is an instance carrying only its group, in the group's region and
 * VPC, with no address: it must pass the group's egress rules as well as the destination's ingress
 * rules, and, having no public IP, reaches no instance of another VPC.
 */
public sealed interface Source {
  /** An IPv4 address that belongs to no instance of the estate. */
  record Address4(int address) implements Source {}

  /** An IPv6 address that belongs to no instance of the estate. */
  record Address6(long high, long low) implements Source {}

  /** Every address of a CIDR ({@link Cidr4} or {@code Cidr6}). */
  record Range(Peer cidr) implements Source {}

  /** An instance of the estate, by id. */
  record Instance(String instanceId) implements Source {}

  /** Any interface carrying this group (and no other), with no address a CIDR rule would match. */
  record GroupMember(String groupId) implements Source {}

  /** Whether an IPv4 address is private: in 10/8, 172.16/12, 192.168/16 or 100.64/10. */
  static boolean isPrivate4(int address) {
    return (address >>> 24) == 10
        || (address >>> 20) == ((172 << 4) | 1)
        || (address >>> 16) == ((192 << 8) | 168)
        || (address >>> 22) == ((100 << 2) | 1);
  }

  /** Whether every address of an IPv4 CIDR is private ({@link #isPrivate4(int)}). */
  static boolean isPrivate4(Cidr4 range) {
    int length = range.prefixLength();
    int a = range.address();
    return (length >= 8 && (a >>> 24) == 10)
        || (length >= 12 && (a >>> 20) == ((172 << 4) | 1))
        || (length >= 16 && (a >>> 16) == ((192 << 8) | 168))
        || (length >= 10 && (a >>> 22) == ((100 << 2) | 1));
  }
}
