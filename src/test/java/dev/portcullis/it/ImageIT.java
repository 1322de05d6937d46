package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's container image, loaded into podman from the tarball {@code mvn verify} builds
 * before the integration tests, and run as a cluster would run it ({@link ImageContainer}:
 * read-only root file system, non-root, no capabilities, a memory limit, the kubeconfig mounted
 * read-only) against the test cluster's API server. The container and the image are removed
 * afterwards.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class ImageIT {
  static final long MEMORY_LIMIT = 256L << 20;

  private String image;
  private ImageContainer container;

  @Test
  void theOperatorRunsFromTheImageAndMakesASecurityGroupReady() throws Exception {
    image = ImageContainer.load(ImageContainer.TARBALL);
    String[] userAndLabels =
        ImageContainer.inspect(
                image,
                "{{.Config.User}}|{{index .Config.Labels \"org.opencontainers.image.version\"}}"
                    + "|{{index .Config.Labels \"org.opencontainers.image.revision\"}}"
                    + "|{{index .Config.Labels \"org.opencontainers.image.source\"}}")
            .split("\\|", -1);
    assertThat(userAndLabels[0]).as("the image's user, numeric").isEqualTo("65532:65532");
    assertThat(userAndLabels).as("the OCI labels version, revision and source").hasSize(4);
    assertThat(userAndLabels[1]).as("org.opencontainers.image.version").isNotBlank();
    assertThat(userAndLabels[2]).as("org.opencontainers.image.revision").isNotBlank();
    assertThat(userAndLabels[3]).as("org.opencontainers.image.source").isNotBlank();

    // The class-data archive made in the image (scripts/image-cds.sh) fits it: with -Xshare:on
    // the JVM would refuse to start rather than start without it.
    Podman.Result shared =
        Podman.run(
            120,
            "run",
            "--rm",
            "--runtime",
            "runc",
            "--network",
            "none",
            "-e",
            "JAVA_TOOL_OPTIONS=-Xshare:on -Xlog:class+load=info",
            image,
            "--version");
    assertThat(shared.exitCode()).as(shared.output()).isZero();
    assertThat(shared.output())
        .as("classes mapped from the image's own archive, /app/cds/portcullis.jsa")
        .contains("source: shared objects file (top)");

    // Its namespace and client; the operator is the container's, not one in this JVM.
    OperatorRun run = new OperatorRun("image");
    container = ImageContainer.start(image, run.cluster, run.ns, MEMORY_LIMIT, null);
    try {
      container.awaitHealthy(Duration.ofSeconds(90));
      assertThat(container.get("/healthz").body()).isEqualTo("ok\n");
      assertThat(container.processUsers())
          .as("the users of the container's processes")
          .containsOnly("nonroot");

      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: web}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n"
              + "  ingress: [{ports: [https], from: [{cidr: 10.0.0.0/16}]}]\n");
      run.awaitCondition(SecurityGroup.class, "web", "Ready", "True");
      assertThat(run.groupId("web")).startsWith("sg-");

      String metrics = container.get("/metrics").body();
      assertThat(metrics)
          .contains(
              "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"Ready\","
                  + "status=\"True\",type=\"Ready\"} 1.0")
          .as("the serial collector, as the image's JVM flags choose")
          .contains("jvm_memory_max_bytes{area=\"heap\",id=\"Tenured Gen\"}");
      assertThat(container.heapBytes("jvm_memory_max_bytes"))
          .as("the heap, sized from the container's memory limit (-XX:MaxRAMPercentage=50)")
          .isBetween(0.4 * MEMORY_LIMIT, 0.5 * MEMORY_LIMIT);
    } catch (AssertionError | RuntimeException e) {
      System.out.println("ImageIT: the container's log:\n" + container.logs());
      throw e;
    }
  }

  @AfterEach
  void removeTheContainerAndTheImage() {
    if (container != null) {
      container.close();
    }
    if (image != null) {
      ImageContainer.remove(image);
    }
  }
}
