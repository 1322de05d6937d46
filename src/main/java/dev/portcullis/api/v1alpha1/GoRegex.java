package dev.portcullis.api.v1alpha1;

import java.util.regex.Pattern;

/**
 * Compiles an OpenAPI pattern so that java.util.regex gives the answer the API server's Go regexp
 * gives. The one difference that matters for anchored patterns: Java's {@code $} also matches
 * before a final line break, Go's only at the very end.
 */
final class GoRegex {
  private GoRegex() {}

  static Pattern compile(String regex) {
    String r =
        regex.endsWith("$") && !regex.endsWith("\\$")
            ? regex.substring(0, regex.length() - 1) + "\\z"
            : regex;
    return Pattern.compile(r);
  }

  /** Whether the pattern is found in the value, as Go's {@code MatchString} decides. */
  static boolean matches(String regex, String value) {
    return compile(regex).matcher(value).find();
  }
}
