package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.CloudException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * EC2's filter semantics for describe calls, over one kind of resource: a filter names an attribute
 * and gives values, and matches a resource when any of the values matches any of the resource's
 * values for that attribute; every filter of a call must match. Values are case-sensitive and may
 * hold the wildcards {@code *} (any run of characters) and {@code ?} (one character), which a
 * backslash escapes ("Filter" in the EC2 API reference). {@code tag:<key>} filters by a tag's
 * value, {@code tag-key} by the keys and {@code tag-value} by the values of a resource's tags.
 *
 * @param <T> the resource
 */
final class Ec2Filters<T> {
  private final Map<String, Function<T, Collection<String>>> attributes;
  private final Function<T, Map<String, String>> tags;

  /**
   * @param attributes each filter name the resource answers to, with its values of that attribute
   * @param tags the resource's tags, or null for a resource without tags
   */
  Ec2Filters(
      Map<String, Function<T, Collection<String>>> attributes,
      Function<T, Map<String, String>> tags) {
    this.attributes = Map.copyOf(attributes);
    this.tags = tags;
  }

  /** A filter of one call, compiled: an unknown name or an empty value list fails here. */
  record Compiled<T>(List<Function<T, Boolean>> tests) {
    boolean matches(T item) {
      for (Function<T, Boolean> t : tests) {
        if (!t.apply(item)) {
          return false;
        }
      }
      return true;
    }
  }

  Compiled<T> compile(List<Ec2Api.Filter> filters) {
    List<Function<T, Boolean>> tests = new ArrayList<>();
    for (Ec2Api.Filter f : filters == null ? List.<Ec2Api.Filter>of() : filters) {
      if (f.name() == null || f.name().isEmpty()) {
        throw Ec2Errors.missingParameter("Filter.Name");
      }
      if (f.values().isEmpty()) {
        throw new CloudException(
            "InvalidParameterValue",
            CloudException.Kind.INVALID,
            "The filter '" + f.name() + "' requires a value");
      }
      List<Pattern> patterns = f.values().stream().map(Ec2Filters::pattern).toList();
      Function<T, Collection<String>> values = valuesOf(f.name());
      tests.add(
          item -> {
            for (String v : values.apply(item)) {
              for (Pattern p : patterns) {
                if (v != null && p.matcher(v).matches()) {
                  return true;
                }
              }
            }
            return false;
          });
    }
    return new Compiled<>(tests);
  }

  private Function<T, Collection<String>> valuesOf(String name) {
    if (tags != null) {
      if (name.startsWith("tag:") && name.length() > 4) {
        String key = name.substring(4);
        return item -> {
          String v = tags.apply(item).get(key);
          return v == null ? List.of() : List.of(v);
        };
      }
      if (name.equals("tag-key")) {
        return item -> tags.apply(item).keySet();
      }
      if (name.equals("tag-value")) {
        return item -> tags.apply(item).values();
      }
    }
    Function<T, Collection<String>> f = attributes.get(name);
    if (f == null) {
      throw new CloudException(
          "InvalidParameterValue",
          CloudException.Kind.INVALID,
          "The filter '" + name + "' is invalid");
    }
    return f;
  }

  /** A filter value as a pattern: {@code *} and {@code ?} are wildcards, {@code \} escapes. */
  static Pattern pattern(String value) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        literal.append(value.charAt(++i));
      } else if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
