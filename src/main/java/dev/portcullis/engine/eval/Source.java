package dev.portcullis.engine.eval;

/**
 * Where a flow comes from: an address outside any instance (a laptop on the internet), a whole CIDR
 * (allowed only when every address in it is), an instance of the estate, or a hypothetical instance
 * that carries one group in a given region and VPC.
 */
public sealed interface Source {
  /** An IPv4 address that belongs to no instance of the estate. */
  record Address4(int address) implements Source {}

  /** An IPv6 address that belongs to no instance of the estate. */
  record Address6(long high, long low) implements Source {}

  /** Every address of a CIDR ({@link dev.portcullis.engine.Cidr4} or {@code Cidr6}). */
  record Range(dev.portcullis.engine.Peer cidr) implements Source {}

  /** An instance of the estate, by id. */
  record Instance(String instanceId) implements Source {}

  /** Any interface carrying this group (and no other), with no address a CIDR rule would match. */
  record GroupMember(String groupId) implements Source {}
}
