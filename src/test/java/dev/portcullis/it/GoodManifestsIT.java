package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.api.v1alpha1.ExampleManifests;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
  private static final ObjectMapper JSON = new ObjectMapper();
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
   * {@code kubectl get} shows the columns in the order people scan them: how the resource stands,
   * what it is, what it holds, its age; the long sentences only with {@code -o wide}. kubectl asks
   * the API server for a Table and prints its columns as they come, so the Table is what this
   * checks, with a status written as the operator would write it so that every cell has a value.
   */
  @Test
  void kubectlGetShowsTheColumnsInTheOrderUsersScan() throws Exception {
    KubernetesClient client = cluster.client();
    String ns = cluster.newNamespace("columns");
    for (String file :
        List.of(
            "securitygroup-web.yaml",
            "attachment-ids-and-tags.yaml",
            "reachability-laptop-https.yaml")) {
      JsonNode manifest = YAML.readTree(ExampleManifests.GOOD.resolve(file).toFile());
      client
          .resource(
              client
                  .getKubernetesSerialization()
                  .convertValue(manifest, GenericKubernetesResource.class))
          .inNamespace(ns)
          .create();
    }
    SecurityGroup web = client.resources(SecurityGroup.class).inNamespace(ns).withName("web").get();
    SecurityGroupStatus status = new SecurityGroupStatus();
    status.setGroupId("sg-0123456789abcdef0");
    status.setIngressRules(3);
    status.setEgressRules(1);
    status.setConditions(
        List.of(
            condition("Ready", "False", "ReferenceNotFound", "Waiting for SecurityGroup db"),
            condition("Drifted", "False", "InSync", "EC2 matches the spec")));
    web.setStatus(status);
    client.resource(web).inNamespace(ns).updateStatus();

    JsonNode groups = table(client, ns, "securitygroups");
    assertThat(columnNames(groups))
        .containsExactly(
            "Name",
            "Ready",
            "Reason",
            "Group ID",
            "Region",
            "Ingress",
            "Egress",
            "Drifted",
            "Age",
            "Message");
    assertThat(cells(groups).subList(0, 8))
        .containsExactly(
            "web",
            "False",
            "ReferenceNotFound",
            "sg-0123456789abcdef0",
            "eu-west-1",
            "3",
            "1",
            "False");
    assertThat(cells(groups).get(9)).isEqualTo("Waiting for SecurityGroup db");
    assertThat(wideOnly(groups)).containsExactly("Message");

    JsonNode attachments = table(client, ns, "securitygroupattachments");
    assertThat(columnNames(attachments))
        .containsExactly("Name", "Ready", "Reason", "Region", "Instances", "Age", "Message");
    assertThat(cells(attachments).get(3)).isEqualTo("eu-west-1");
    assertThat(wideOnly(attachments)).containsExactly("Message");

    JsonNode checks = table(client, ns, "reachabilitychecks");
    assertThat(columnNames(checks))
        .containsExactly(
            "Name",
            "Met",
            "Verdict",
            "Expected",
            "From",
            "To",
            "Protocol",
            "Port",
            "Age",
            "Explanation");
    assertThat(cells(checks).subList(3, 8))
        .containsExactly("Reachable", "203.0.113.7/32", "i-0123456789abcdef0", "tcp", "443");
    assertThat(wideOnly(checks)).containsExactly("Explanation");
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .build();
  }

  /** What kubectl get receives: the resources of a namespace as a meta.k8s.io/v1 Table. */
  private static JsonNode table(KubernetesClient client, String ns, String plural)
      throws Exception {
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(
                client.getMasterUrl().toString().replaceAll("/$", "")
                    + "/apis/ec2.portcullis.dev/v1alpha1/namespaces/"
                    + ns
                    + "/"
                    + plural)
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
            .build();
    HttpResponse<String> response = http.sendAsync(request, String.class).get(30, SECONDS);
    assertThat(response.code()).as("GET %s as a Table: %s", plural, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<String> columnNames(JsonNode table) {
    List<String> out = new ArrayList<>();
    table.get("columnDefinitions").forEach(c -> out.add(c.get("name").asText()));
    return out;
  }

  private static List<String> wideOnly(JsonNode table) {
    List<String> out = new ArrayList<>();
    table
        .get("columnDefinitions")
        .forEach(
            c -> {
              if (c.get("priority").asInt() > 0) {
                out.add(c.get("name").asText());
              }
            });
    return out;
  }

  /** The cells of the table's only row, as text. */
  private static List<String> cells(JsonNode table) {
    assertThat(table.get("rows")).hasSize(1);
    List<String> out = new ArrayList<>();
    table.get("rows").get(0).get("cells").forEach(c -> out.add(c.asText()));
    return out;
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
