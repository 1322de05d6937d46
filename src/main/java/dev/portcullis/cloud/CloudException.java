package dev.portcullis.cloud;

/**
 * An error from EC2 (or the simulator acting as EC2), with EC2's error code, such as {@code
 * InvalidGroup.Duplicate}, and its kind.
 */
public class CloudException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How a caller should treat the error. */
  public enum Kind {
    /** The request can never succeed as it is (bad parameter, quota): report, do not retry. */
    INVALID,
    /** What the request names does not exist (may be eventual consistency just after create). */
    NOT_FOUND,
    /** It conflicts with the current state (duplicate, still in use). */
    CONFLICT,
    /** Request rate exceeded: retry with backoff. */
    THROTTLED,
    /** A passing fault on EC2's side: retry with backoff. */
    TRANSIENT,
    /** Not allowed for these credentials. */
    UNAUTHORIZED
  }

  private final String code;
  private final Kind kind;
  private final String detail;

  public CloudException(String code, Kind kind, String message) {
    super(code + ": " + message);
    this.code = code;
    this.kind = kind;
    this.detail = message;
  }

  /** The same refusal, its message preceded by what was being done ({@code "authorizing ..."}). */
  public CloudException doing(String what) {
    CloudException e = new CloudException(code, kind, what + ": " + detail);
    e.initCause(this);
    return e;
  }

  public String code() {
    return code;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether retrying the same request later may succeed. */
  public boolean retryable() {
    return kind == Kind.THROTTLED || kind == Kind.TRANSIENT;
  }
}
