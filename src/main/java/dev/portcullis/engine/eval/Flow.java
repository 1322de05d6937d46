package dev.portcullis.engine.eval;

import dev.portcullis.engine.Protocol;
import java.util.Objects;

/**
 * A new connection attempt: from a source to a destination (an instance, or an address), with a
 * concrete protocol (not {@code all}) and a destination port (the ICMP type for icmp and icmpv6;
 * ignored for other protocols).
 *
 * <p>A flow to an address comes from an instance or a group's member: security groups decide only
 * the traffic of the interfaces that carry them, and two addresses outside the estate have none.
 */
public record Flow(Source source, Destination destination, Protocol protocol, int port) {
  public Flow {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (protocol.number() < 0) {
      throw new IllegalArgumentException("a flow has a concrete protocol, not 'all'");
    }
    if (!(destination instanceof Destination.Instance)
        && !(source instanceof Source.Instance || source instanceof Source.GroupMember)) {
      throw new IllegalArgumentException(
          "a flow to an address comes from an instance or a group's member: no security group"
              + " decides traffic between two addresses");
    }
  }

  /** A flow to an instance of the estate. */
  public Flow(Source source, String destinationInstanceId, Protocol protocol, int port) {
    this(source, new Destination.Instance(destinationInstanceId), protocol, port);
  }

  /** The destination instance's id, or null when the destination is an address. */
  public String destinationInstanceId() {
    return destination instanceof Destination.Instance i ? i.instanceId() : null;
  }
}
