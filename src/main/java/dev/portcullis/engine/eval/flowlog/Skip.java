package dev.portcullis.engine.eval.flowlog;

/**
 * Why a flow log record was not counted as a flow: each is a {@code reason} label of {@code
 * portcullis_flow_records_skipped_total}. A skipped record is never attributed, so that no group is
 * blamed on input that cannot say what happened.
 */
public enum Skip {
  /** Not a record: the wrong number of fields, or a field that is not what its name says. */
  MALFORMED("malformed"),
  /** A field attribution needs is absent from the format, or {@code -} in the record. */
  MISSING_FIELD("missing_field"),
  /** A version this reader does not know ({@code version} below 2, or not a number). */
  UNSUPPORTED_VERSION("unsupported_version"),
  /** A record of no traffic: {@code log-status} {@code NODATA} or {@code SKIPDATA}. */
  NO_DATA("no_data"),
  /** A network interface the observed state does not hold (a load balancer's, or a new one). */
  UNKNOWN_INTERFACE("unknown_interface"),
  /**
   * Neither address is the interface's private address (a secondary address, or forwarded traffic)
   * and the record has no {@code flow-direction}.
   */
  UNKNOWN_DIRECTION("unknown_direction"),
  /**
   * A rejected packet the observed state cannot decide: a rule naming a prefix list, or an ICMP
   * rule for one type (flow logs do not record the type), or a group the state does not hold, might
   * allow it.
   */
  UNDECIDED("undecided");

  private final String label;

  Skip(String label) {
    this.label = label;
  }

  /** The value of the meter's {@code reason} label. */
  public String label() {
    return label;
  }
}
