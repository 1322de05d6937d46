package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.api.v1alpha1.ExampleManifests;
import dev.portcullis.api.v1alpha1.ExampleManifests.Bad;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad manifest is rejected by the API server itself, so that the operator never sees it: the
 * request fails with 422 (Invalid) or 400 (BadRequest), and the message names the field and says
 * what its header expects. Requests use strict field validation, as {@code kubectl apply} does, so
 * that an unknown field is an error rather than silently dropped.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class BadManifestsIT {
  private static TestCluster cluster;
  private static String namespace;

  @BeforeAll
  static void cluster() {
    cluster = TestCluster.shared();
    namespace = cluster.newNamespace("bad-manifests");
  }

  static Stream<Bad> bad() {
    return ExampleManifests.bad().stream();
  }

  @Test
  void theBadManifestsIncludeAnUnknownFieldAndUpdates() {
    assertThat(bad()).anyMatch(b -> b.expect().startsWith("unknown field"));
    assertThat(bad()).anyMatch(Bad::update);
    assertThat(bad()).anyMatch(b -> b.rejectedBy().equals("pattern"));
    assertThat(bad()).anyMatch(b -> b.expectServer() != null);
  }

  @ParameterizedTest
  @MethodSource("bad")
  void isRejectedByTheApiServer(Bad bad) {
    KubernetesClient client = cluster.client();
    GenericKubernetesResource rejected = resource(client, bad.rejected());
    if (bad.update()) {
      GenericKubernetesResource before =
          client
              .resource(resource(client, bad.docs().get(0)))
              .inNamespace(namespace)
              .fieldValidation(Validation.STRICT)
              .create();
      rejected.getMetadata().setResourceVersion(before.getMetadata().getResourceVersion());
    }

    KubernetesClientException e =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> {
              var request =
                  client
                      .resource(rejected)
                      .inNamespace(namespace)
                      .fieldValidation(Validation.STRICT);
              if (bad.update()) {
                request.update();
              } else {
                request.create();
              }
            });

    assertThat(e).as("%s: the API server accepted it", bad).isNotNull();
    assertThat(e.getCode()).as("%s: HTTP status (%s)", bad, e.getMessage()).isIn(400, 422);
    Status status = e.getStatus();
    String message = status == null ? e.getMessage() : status.getMessage();
    List<StatusCause> causes =
        status == null || status.getDetails() == null || status.getDetails().getCauses() == null
            ? List.of()
            : status.getDetails().getCauses();
    assertThat(message).as("%s: the message", bad).contains(bad.expect());
    assertThat(message)
        .as("%s: the message says in words what is wrong, never only which regex failed", bad)
        .doesNotContain("should match");
    if (bad.expectServer() != null) {
      assertThat(message).as("%s: the message names the value", bad).contains(bad.expectServer());
    }
    if (e.getCode() == 422) {
      // Invalid: the schema's and the CEL rules' verdicts, one cause per field
      assertThat(causes)
          .as("%s: a cause on %s that says \"%s\"", bad, bad.field(), bad.expect())
          .anySatisfy(
              c -> {
                assertThat(c.getField()).isEqualTo(bad.field());
                assertThat(c.getMessage()).contains(bad.expect());
              });
    } else {
      // BadRequest: the strict decoding of the request failed, and says where
      assertThat(message).as("%s: the message names the field", bad).contains(bad.field());
    }
  }

  private static GenericKubernetesResource resource(KubernetesClient client, JsonNode doc) {
    return client.getKubernetesSerialization().convertValue(doc, GenericKubernetesResource.class);
  }
}
