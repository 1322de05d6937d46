package dev.portcullis.engine;

/**
 * A validation finding: the field it concerns (a path such as {@code spec.ingress[2].ports[0]}) and
 * a message a user can act on. Errors stop a change; warnings (such as CIDR host bits that were
 * masked) are reported and the change goes ahead.
 */
public record Problem(Severity severity, String field, String message) {
  public enum Severity {
    ERROR,
    WARNING
  }

  public static Problem error(String field, String message) {
    return new Problem(Severity.ERROR, field, message);
  }

  public static Problem warning(String field, String message) {
    return new Problem(Severity.WARNING, field, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
