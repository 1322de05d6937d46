package dev.portcullis.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The CRDs the build generated into {@code target/crds} (the crd-generator plugin runs in
 * process-classes, before the tests), parsed, with helpers to walk their schemas.
 */
final class GeneratedCrds {
  static final Path GENERATED = Path.of("target", "crds");
  static final Path COMMITTED = Path.of("crds");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static Map<String, CustomResourceDefinition> byKind;

  private GeneratedCrds() {}

  /** The generated CRDs by kind ({@code SecurityGroup}...), in file-name order. */
  static synchronized Map<String, CustomResourceDefinition> byKind() {
    if (byKind == null) {
      Map<String, CustomResourceDefinition> out = new LinkedHashMap<>();
      for (Path file : files(GENERATED)) {
        CustomResourceDefinition crd = read(file);
        out.put(crd.getSpec().getNames().getKind(), crd);
      }
      byKind = out;
    }
    return byKind;
  }

  static CustomResourceDefinition crd(String kind) {
    CustomResourceDefinition crd = byKind().get(kind);
    assertThat(crd).as("generated CRD for kind %s", kind).isNotNull();
    return crd;
  }

  /** The root schema of the only version of a kind. */
  static JSONSchemaProps root(String kind) {
    return crd(kind).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  /**
   * The schema at a dotted path below the root: property names, with {@code []} stepping into array
   * items and {@code {}} into map values ({@code spec.ingress[].from[].cidr}).
   */
  static JSONSchemaProps at(String kind, String path) {
    JSONSchemaProps s = root(kind);
    for (String step : path.split("\\.")) {
      String name = step.replace("[]", "").replace("{}", "");
      s = s.getProperties() == null ? null : s.getProperties().get(name);
      assertThat(s).as("%s has a schema at %s (step %s)", kind, path, step).isNotNull();
      if (step.endsWith("[]")) {
        s = s.getItems().getSchema();
      } else if (step.endsWith("{}")) {
        s = s.getAdditionalProperties().getSchema();
      }
    }
    return s;
  }

  /**
   * The pattern a string must match: that of its pattern rule ({@code self.matches(r'...')}, see
   * {@link Schema}), or its OpenAPI pattern (status fields keep those). A path ending in {@code []}
   * names the items of a list of strings, whose rule is on the list: {@code self.all(x,
   * x.matches(r'...'))}. Null when there is none.
   */
  static String pattern(String kind, String path) {
    boolean items = path.endsWith("[]");
    JSONSchemaProps s = at(kind, items ? path.substring(0, path.length() - 2) : path);
    if (!items && s.getPattern() != null) {
      return s.getPattern();
    }
    return patterns(s).stream().findFirst().orElse(null);
  }

  /** The patterns of a node's pattern rules. */
  static List<String> patterns(JSONSchemaProps s) {
    return s.getXKubernetesValidations() == null
        ? List.of()
        : s.getXKubernetesValidations().stream()
            .map(r -> SchemaValidator.patternOf(r.getRule()))
            .flatMap(Optional::stream)
            .toList();
  }

  /**
   * Visits every schema node below {@code schema} with its path in the notation of {@link #at} (the
   * root has path {@code ""}).
   */
  static void walk(JSONSchemaProps schema, String path, BiConsumer<String, JSONSchemaProps> visit) {
    visit.accept(path, schema);
    if (schema.getProperties() != null) {
      schema
          .getProperties()
          .forEach((name, child) -> walk(child, path.isEmpty() ? name : path + "." + name, visit));
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      walk(schema.getItems().getSchema(), path + "[]", visit);
    }
    if (schema.getAdditionalProperties() != null
        && schema.getAdditionalProperties().getSchema() != null) {
      walk(schema.getAdditionalProperties().getSchema(), path + "{}", visit);
    }
  }

  /** The {@code .yml}/{@code .yaml} files directly in a folder, sorted; empty if it is missing. */
  static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CustomResourceDefinition read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
