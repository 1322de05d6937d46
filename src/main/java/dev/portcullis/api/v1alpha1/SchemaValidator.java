package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The OpenAPI part of what the API server checks on a custom resource: types, unknown fields (as
 * with strict field validation), required fields, patterns, lengths, bounds, enums and sizes; and
 * of the CEL rules, those that only match a pattern ({@code self.matches(r'...')}, or {@code
 * self.all(x, x.matches(r'...'))} on a list), which is how the spec's fields state their patterns
 * (see {@link Schema}). Other CEL rules are left to a real API server. Messages and field paths
 * follow the API server's wording, a pattern rule's message included, so that one expected fragment
 * serves both. The offline command checks manifests with it, so bad input gets the same answer with
 * or without a cluster.
 */
public final class SchemaValidator {
  /** One failed check: the field ({@code spec.ingress[0].ports[1]}) and the message. */
  public record Violation(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private SchemaValidator() {}

  private static final String CRD_RESOURCE = "/crds/%s.ec2.portcullis.dev-v1.yml";
  private static final Map<String, JSONSchemaProps> ROOTS = new ConcurrentHashMap<>();

  /**
   * The root schema of a Portcullis kind, read from the CRDs packaged in the jar (the same files as
   * in {@code crds/}).
   */
  public static JSONSchemaProps rootSchema(String kind) {
    return ROOTS.computeIfAbsent(
        kind,
        k -> {
          String plural = k.toLowerCase(Locale.ROOT) + "s";
          String resource = String.format(CRD_RESOURCE, plural);
          try (InputStream in = SchemaValidator.class.getResourceAsStream(resource)) {
            if (in == null) {
              throw new IllegalStateException("no CRD " + resource + " in the jar");
            }
            CustomResourceDefinition crd =
                new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Checks an object against the root schema of its CRD. */
  public static List<Violation> validate(JSONSchemaProps root, JsonNode object) {
    List<Violation> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> f : object.properties()) {
      if (ROOT_FIELDS.contains(f.getKey())) {
        continue;
      }
      JSONSchemaProps s = root.getProperties().get(f.getKey());
      if (s == null) {
        out.add(new Violation(f.getKey(), "unknown field \"" + f.getKey() + "\""));
      } else {
        check(s, f.getValue(), f.getKey(), out);
      }
    }
    return out;
  }

  private static void check(JSONSchemaProps s, JsonNode v, String path, List<Violation> out) {
    if (v == null || v.isNull()) {
      return; // the API server prunes nulls of fields that are not nullable
    }
    checkPatternRules(s, v, path, out);
    switch (s.getType()) {
      case "object" -> checkObject(s, v, path, out);
      case "array" -> checkArray(s, v, path, out);
      case "string" -> checkString(s, v, path, out);
      case "integer" -> checkInteger(s, v, path, out);
      case "boolean" -> {
        if (!v.isBoolean()) {
          out.add(typeError(path, v, "boolean"));
        }
      }
      default -> throw new IllegalStateException("type " + s.getType() + " at " + path);
    }
  }

  private static void checkObject(JSONSchemaProps s, JsonNode v, String path, List<Violation> out) {
    if (!v.isObject()) {
      out.add(typeError(path, v, "object"));
      return;
    }
    if (s.getRequired() != null) {
      for (String r : s.getRequired()) {
        if (!v.hasNonNull(r)) {
          out.add(new Violation(path + "." + r, "Required value"));
        }
      }
    }
    if (s.getMaxProperties() != null && v.size() > s.getMaxProperties()) {
      out.add(
          new Violation(
              path,
              "Too many: " + v.size() + ": must have at most " + s.getMaxProperties() + " items"));
    }
    if (s.getMinProperties() != null && v.size() < s.getMinProperties()) {
      out.add(new Violation(path, "should have at least " + s.getMinProperties() + " properties"));
    }
    JSONSchemaProps values =
        s.getAdditionalProperties() == null ? null : s.getAdditionalProperties().getSchema();
    for (Map.Entry<String, JsonNode> f : v.properties()) {
      String child = path + "." + f.getKey();
      JSONSchemaProps fs = s.getProperties() == null ? null : s.getProperties().get(f.getKey());
      if (fs == null) {
        fs = values;
      }
      if (fs == null) {
        out.add(new Violation(child, "unknown field \"" + child + "\""));
      } else {
        check(fs, f.getValue(), child, out);
      }
    }
  }

  private static void checkArray(JSONSchemaProps s, JsonNode v, String path, List<Violation> out) {
    if (!v.isArray()) {
      out.add(typeError(path, v, "array"));
      return;
    }
    if (s.getMaxItems() != null && v.size() > s.getMaxItems()) {
      out.add(
          new Violation(
              path, "Too many: " + v.size() + ": must have at most " + s.getMaxItems() + " items"));
    }
    if (s.getMinItems() != null && v.size() < s.getMinItems()) {
      out.add(new Violation(path, "should have at least " + s.getMinItems() + " items"));
    }
    for (int i = 0; i < v.size(); i++) {
      JSONSchemaProps items = s.getItems().getSchema();
      if (v.get(i).isNull() && !Boolean.TRUE.equals(items.getNullable())) {
        // unlike a null field, a null list item is not pruned: the API server refuses it
        out.add(typeError(path + "[" + i + "]", v.get(i), items.getType()));
        continue;
      }
      check(items, v.get(i), path + "[" + i + "]", out);
    }
  }

  private static void checkString(JSONSchemaProps s, JsonNode v, String path, List<Violation> out) {
    if (!v.isTextual()) {
      out.add(typeError(path, v, "string"));
      return;
    }
    String t = v.asText();
    if (s.getEnum() != null && !s.getEnum().isEmpty()) {
      Set<String> allowed = s.getEnum().stream().map(JsonNode::asText).collect(Collectors.toSet());
      if (!allowed.contains(t)) {
        out.add(
            new Violation(
                path,
                "Unsupported value: \"" + t + "\": supported values: " + quoted(s.getEnum())));
      }
    }
    // Lengths count characters, as the API server does, although its message says bytes.
    long chars = t.codePointCount(0, t.length());
    if (s.getMaxLength() != null && chars > s.getMaxLength()) {
      out.add(new Violation(path, "Too long: may not be more than " + s.getMaxLength() + " bytes"));
    }
    if (s.getMinLength() != null && chars < s.getMinLength()) {
      out.add(new Violation(path, "should be at least " + s.getMinLength() + " chars long"));
    }
    // OpenAPI patterns are not anchored: like Go's MatchString, look for a match anywhere.
    if (s.getPattern() != null && !GoRegex.matches(s.getPattern(), t)) {
      out.add(new Violation(path, path + " in body should match '" + s.getPattern() + "'"));
    }
  }

  private static void checkInteger(
      JSONSchemaProps s, JsonNode v, String path, List<Violation> out) {
    if (!v.isIntegralNumber()) {
      out.add(typeError(path, v, "integer"));
      return;
    }
    long n = v.asLong();
    if (s.getMaximum() != null && n > s.getMaximum()) {
      out.add(
          new Violation(
              path,
              path + " in body should be less than or equal to " + s.getMaximum().longValue()));
    }
    if (s.getMinimum() != null && n < s.getMinimum()) {
      out.add(
          new Violation(
              path,
              path + " in body should be greater than or equal to " + s.getMinimum().longValue()));
    }
  }

  /** {@code self.matches(r'RE')}: the whole rule, with the pattern as a CEL raw string. */
  private static final Pattern MATCHES = Pattern.compile("self\\.matches\\(r'([^']*)'\\)");

  /** {@code self.all(x, x.matches(r'RE'))}: every item of a list of strings matches. */
  private static final Pattern ALL_MATCH =
      Pattern.compile("self\\.all\\((\\w+), \\1\\.matches\\(r'([^']*)'\\)\\)");

  /**
   * The pattern a CEL rule requires of a string, or of every string of a list, when the rule says
   * nothing else; empty for any other rule.
   */
  static Optional<String> patternOf(String rule) {
    Matcher m = MATCHES.matcher(rule);
    if (m.matches()) {
      return Optional.of(m.group(1));
    }
    m = ALL_MATCH.matcher(rule);
    return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
  }

  /**
   * Evaluates the pattern rules of a field as the API server would, and reports a failed one with
   * its message. A value of the wrong type is left to the type check.
   */
  private static void checkPatternRules(
      JSONSchemaProps s, JsonNode v, String path, List<Violation> out) {
    if (s.getXKubernetesValidations() == null) {
      return;
    }
    for (ValidationRule r : s.getXKubernetesValidations()) {
      Optional<String> pattern = patternOf(r.getRule());
      if (pattern.isEmpty()) {
        continue;
      }
      boolean ok =
          v.isArray()
              ? stream(v)
                  .allMatch(i -> !i.isTextual() || GoRegex.matches(pattern.get(), i.asText()))
              : !v.isTextual() || GoRegex.matches(pattern.get(), v.asText());
      if (!ok) {
        out.add(new Violation(path, r.getMessage()));
      }
    }
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items.stream();
  }

  private static Violation typeError(String path, JsonNode v, String type) {
    return new Violation(
        path, "Invalid value: \"" + v.getNodeType().name().toLowerCase() + "\": must be " + type);
  }

  private static String quoted(List<JsonNode> values) {
    return values.stream().map(n -> "\"" + n.asText() + "\"").collect(Collectors.joining(", "));
  }
}
