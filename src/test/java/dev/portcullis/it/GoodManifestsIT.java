package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.api.v1alpha1.ExampleManifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every good manifest is accepted by the API server (with strict field validation) and reads back
 * with the CRD's schema defaults filled in: its spec equals the manifest's spec plus the {@code
 * default} of every field it leaves out; and it reads into the Java type.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class GoodManifestsIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Class<? extends HasMetadata>> TYPES = new HashMap<>();
  private static final Map<String, JSONSchemaProps> SCHEMAS = new HashMap<>();
  private static final AtomicInteger DEFAULTS_FILLED = new AtomicInteger();

  private static TestCluster cluster;
  private static String namespace;

  @BeforeAll
  static void cluster() throws IOException {
    cluster = TestCluster.shared();
    namespace = cluster.newNamespace("good-manifests");
    for (Class<? extends HasMetadata> type : DiagnosticsOnFailure.KINDS) {
      TYPES.put(HasMetadata.getKind(type), type);
    }
    try (Stream<Path> files = Files.list(TestCluster.CRDS)) {
      for (Path f : files.toList()) {
        CustomResourceDefinition crd =
            cluster
                .client()
                .getKubernetesSerialization()
                .unmarshal(Files.readString(f), CustomResourceDefinition.class);
        SCHEMAS.put(
            crd.getSpec().getNames().getKind(),
            crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
      }
    }
  }

  @AfterAll
  static void someDefaultWasFilled() {
    assertThat(DEFAULTS_FILLED).as("schema defaults the good manifests rely on").hasPositiveValue();
  }

  static Stream<Path> good() {
    return ExampleManifests.good().stream();
  }

  @ParameterizedTest
  @MethodSource("good")
  void isAcceptedAndReadsBackWithDefaults(Path file) throws IOException {
    KubernetesClient client = cluster.client();
    JsonNode manifest = YAML.readTree(file.toFile());
    String kind = manifest.get("kind").asText();
    String name = manifest.get("metadata").get("name").asText();

    client
        .resource(
            client
                .getKubernetesSerialization()
                .convertValue(manifest, GenericKubernetesResource.class))
        .inNamespace(namespace)
        .fieldValidation(Validation.STRICT)
        .create();

    GenericKubernetesResource stored =
        client
            .genericKubernetesResources(manifest.get("apiVersion").asText(), kind)
            .inNamespace(namespace)
            .withName(name)
            .get();
    JsonNode storedSpec =
        client.getKubernetesSerialization().convertValue(stored, JsonNode.class).get("spec");
    JsonNode expectedSpec = manifest.get("spec").deepCopy();
    withDefaults(SCHEMAS.get(kind).getProperties().get("spec"), expectedSpec);
    assertThat(storedSpec).as("%s as stored", file.getFileName()).isEqualTo(expectedSpec);

    HasMetadata typed =
        client.resources(TYPES.get(kind)).inNamespace(namespace).withName(name).get();
    assertThat(typed).as("%s read as %s", file.getFileName(), kind).isNotNull();
  }

  /**
   * Fills in, as the API server does, the {@code default} of every property that an object present
   * in {@code node} leaves out, through nested objects, array items and map values.
   */
  private static void withDefaults(JSONSchemaProps schema, JsonNode node) {
    if (schema == null || node == null) {
      return;
    }
    if (node instanceof ObjectNode object) {
      if (schema.getProperties() != null) {
        schema
            .getProperties()
            .forEach(
                (property, child) -> {
                  if (!object.has(property) && child.getDefault() != null) {
                    object.set(property, child.getDefault().deepCopy());
                    DEFAULTS_FILLED.incrementAndGet();
                  }
                  withDefaults(child, object.get(property));
                });
      }
      if (schema.getAdditionalProperties() != null
          && schema.getAdditionalProperties().getSchema() != null) {
        object.forEach(v -> withDefaults(schema.getAdditionalProperties().getSchema(), v));
      }
    } else if (node instanceof ArrayNode array
        && schema.getItems() != null
        && schema.getItems().getSchema() != null) {
      array.forEach(item -> withDefaults(schema.getItems().getSchema(), item));
    }
  }
}
