package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Peer;

/**
 * Where a flow goes: an instance of the estate by id, or an address (one IPv4 or IPv6 address, or a
 * whole CIDR).
 *
 * <p>An address that is an instance's (the primary interface's private IPv4 address in the sender's
 * VPC, its public IPv4 address, or its IPv6 address) is decided as to that instance, by the route
 * the address implies: to a public IP the connection leaves through the internet gateway and
 * arrives from the sender's public IP, so only CIDR rules match it, never a group reference. Any
 * other address is outside the estate: it has no security group Portcullis knows of, so only the
 * sender's egress rules are decided; nothing is known of what listens there, nor of its network
 * ACLs and routes. A {@link Range} is decided for every address in it (allowed only when one rule
 * covers all of it) and never as to the instances inside it.
 *
 * <p>Only a sender with security groups (an instance, or a group's member) can be asked about an
 * address: between two addresses no group decides anything.
 */
public sealed interface Destination {
  /** An instance of the estate, by id. */
  record Instance(String instanceId) implements Destination {}

  /** One IPv4 address. */
  record Address4(int address) implements Destination {}

  /** One IPv6 address. */
  record Address6(long high, long low) implements Destination {}

  /** Every address of a CIDR ({@link Cidr4} or {@link Cidr6}). */
  record Range(Peer cidr) implements Destination {
    public Range {
      if (!(cidr instanceof Cidr4) && !(cidr instanceof Cidr6)) {
        throw new IllegalArgumentException("a destination range is a CIDR, not " + cidr);
      }
    }
  }
}
