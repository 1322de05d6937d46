package dev.portcullis.engine;

/** The two rule lists of a security group. */
public enum Direction {
  INGRESS,
  EGRESS;

  /** The lower-case word used in messages and in the CRD ({@code ingress}, {@code egress}). */
  public String word() {
    return this == INGRESS ? "ingress" : "egress";
  }
}
