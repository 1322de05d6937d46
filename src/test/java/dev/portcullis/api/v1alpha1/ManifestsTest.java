package dev.portcullis.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.api.v1alpha1.ExampleManifests.Bad;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example manifests. Good ones pass the OpenAPI schema and read into the Java types. Each bad
 * one names, in its header, the field the API server must reject and a fragment of the message: the
 * ones the OpenAPI schema or a pattern rule rejects are checked here, as the offline command checks
 * them; for the ones another CEL rule rejects, this test checks that they pass the offline checks
 * (so that the rule is what rejects them). Either kind of rule must be in the CRD, with that
 * message on that field. An API-server test applies them all.
 */
class ManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Map<String, Class<?>> TYPES =
      Map.of(
          "SecurityGroup", SecurityGroup.class,
          "SecurityGroupAttachment", SecurityGroupAttachment.class,
          "ReachabilityCheck", ReachabilityCheck.class);

  static Stream<Path> good() {
    return ExampleManifests.good().stream();
  }

  static Stream<Bad> bad() {
    return ExampleManifests.bad().stream();
  }

  @ParameterizedTest
  @MethodSource("good")
  void goodManifestPassesTheSchemaAndReads(Path file) throws IOException {
    JsonNode doc = YAML.readTree(file.toFile());
    String kind = doc.get("kind").asText();
    assertThat(SchemaValidator.validate(GeneratedCrds.root(kind), doc)).isEmpty();

    Object read = SERIALIZATION.unmarshal(Files.readString(file), TYPES.get(kind));
    assertThat(read).isInstanceOf(TYPES.get(kind));
    if (read instanceof SecurityGroup sg) {
      int rules = size(sg.getSpec().getIngress()) + size(sg.getSpec().getEgress());
      assertThat(RuleSpecs.toRuleSpecs(sg.getSpec())).hasSize(rules);
    }
  }

  @Test
  void thereAreEnoughBadManifests() {
    List<Bad> all = bad().toList();
    assertThat(all).hasSizeGreaterThanOrEqualTo(28);
    for (Bad b : all) {
      assertThat(b.field()).as("%s names a field", b).isNotBlank();
      assertThat(b.expect()).as("%s names a message", b).isNotBlank();
      assertThat(b.rejectedBy()).as("%s says what rejects it", b).isIn("schema", "pattern", "cel");
      assertThat(b.expect())
          .as("%s: a rejection says in words what is wrong, never only which regex failed", b)
          .doesNotContain("should match");
      assertThat(b.docs()).as("%s documents", b).hasSize(b.update() ? 2 : 1);
    }
  }

  @ParameterizedTest
  @MethodSource("bad")
  void badManifestIsRejectedWhereItsHeaderSays(Bad bad) {
    JsonNode last = bad.docs().get(bad.docs().size() - 1);
    String kind = last.get("kind").asText();
    JSONSchemaProps root = GeneratedCrds.root(kind);
    if (bad.update()) {
      assertThat(SchemaValidator.validate(root, bad.docs().get(0)))
          .as("the object before the update is valid")
          .isEmpty();
    }
    List<SchemaValidator.Violation> violations = SchemaValidator.validate(root, last);
    assertThat(violations)
        .as("no offline message quotes a regex")
        .noneSatisfy(v -> assertThat(v.message()).contains("should match"));
    if (!bad.rejectedBy().equals("cel")) {
      assertThat(violations)
          .as("violations the offline command finds")
          .anySatisfy(
              v -> {
                assertThat(v.field()).isEqualTo(bad.field());
                assertThat(v.message()).contains(bad.expect());
              });
    } else {
      assertThat(violations).as("passes the offline checks, so that CEL rejects it").isEmpty();
    }
    if (!bad.rejectedBy().equals("schema")) {
      List<ValidationRule> rules =
          GeneratedCrds.at(kind, bad.field().replaceAll("\\[[0-9]+]", "[]"))
              .getXKubernetesValidations();
      assertThat(rules).as("CEL rules on %s", bad.field()).isNotNull();
      assertThat(rules)
          .as("a rule on %s with the message \"%s\"", bad.field(), bad.expect())
          .anySatisfy(
              r -> {
                assertThat(r.getMessage()).contains(bad.expect());
                assertThat(r.getRule().contains("oldSelf")).isEqualTo(bad.update());
                assertThat(SchemaValidator.patternOf(r.getRule()).isPresent())
                    .as("a pattern rule")
                    .isEqualTo(bad.rejectedBy().equals("pattern"));
                if (bad.expectServer() != null) {
                  assertThat(r.getMessageExpression())
                      .as("the messageExpression that names the value")
                      .isNotBlank();
                }
              });
    }
  }

  private static int size(List<?> list) {
    return list == null ? 0 : list.size();
  }
}
