package dev.portcullis.engine.eval;

import dev.portcullis.engine.Protocol;

/**
 * A new connection attempt: from a source to an instance, with a concrete protocol (not {@code
 * all}) and a destination port (the ICMP type for icmp and icmpv6; ignored for other protocols).
 */
public record Flow(Source source, String destinationInstanceId, Protocol protocol, int port) {
  public Flow {
    if (protocol.number() < 0) {
      throw new IllegalArgumentException("a flow has a concrete protocol, not 'all'");
    }
  }
}
