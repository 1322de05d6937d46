package dev.portcullis.engine.eval;

/**
 * What a client sees. Security groups drop what they do not allow, silently, so a blocked
 * connection times out; an allowed connection to a port nothing listens on is answered with a
 * reset, so it is refused at once.
 */
public enum Verdict {
  /** Allowed, and something listens: the connection opens. */
  REACHABLE,
  /** Dropped by a security group: the client waits and times out. */
  TIMED_OUT,
  /** Allowed by the groups, but nothing listens on the port: refused at once. */
  CONNECTION_REFUSED
}
