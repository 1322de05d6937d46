package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's container image, run as a cluster would run it: the tarball that {@code mvn
 * verify} builds with Jib before the integration tests ({@code target/portcullis-image.tar}) is
 * loaded into podman and started with the host's network against the test cluster's API server,
 * with a read-only root file system (only {@code /tmp} is writable), no capabilities, a memory
 * limit, and the kubeconfig mounted read-only. The container and the image are removed afterwards.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class ImageIT {
  static final Path TARBALL = Path.of("target", "portcullis-image.tar");
  static final long MEMORY_LIMIT = 512L << 20;

  private String image;
  private String container;
  private Path files;

  @Test
  void theOperatorRunsFromTheImageAndMakesASecurityGroupReady() throws Exception {
    Podman.requireUsable();
    assertThat(TARBALL)
        .as(
            "the image tarball, which `mvn verify` builds before the integration tests"
                + " (./scripts/image.sh builds it alone)")
        .isRegularFile();
    image = loadedImage(Podman.run(300, "load", "--input", TARBALL.toString()).orFail().output());

    String config =
        Podman.run(
                30,
                "image",
                "inspect",
                "--format",
                "{{.Config.User}}|{{index .Config.Labels \"org.opencontainers.image.version\"}}"
                    + "|{{index .Config.Labels \"org.opencontainers.image.revision\"}}"
                    + "|{{index .Config.Labels \"org.opencontainers.image.source\"}}",
                image)
            .orFail()
            .output()
            .strip();
    String[] userAndLabels = config.split("\\|", -1);
    assertThat(userAndLabels[0]).as("the image's user, numeric").isEqualTo("65532:65532");
    assertThat(userAndLabels).as("the OCI labels version, revision and source").hasSize(4);
    assertThat(userAndLabels[1]).as("org.opencontainers.image.version").isNotBlank();
    assertThat(userAndLabels[2]).as("org.opencontainers.image.revision").isNotBlank();
    assertThat(userAndLabels[3]).as("org.opencontainers.image.source").isNotBlank();

    OperatorRun run = new OperatorRun("image"); // its namespace and client; the operator is the
    // container's, not one in this JVM
    files = Files.createTempDirectory("portcullis-image-it");
    Path kubeconfig = readableByTheContainer(files.resolve("kubeconfig"));
    Files.writeString(kubeconfig, selfContained(run.cluster.kubeconfigYaml()));
    Path world = readableByTheContainer(files.resolve("world.yaml"));
    try (InputStream in = ImageIT.class.getResourceAsStream("/worlds/demo.yaml")) {
      Files.write(world, in.readAllBytes());
    }
    int port = freePort();
    container = "portcullis-image-it-" + Long.toString(ThreadLocalRandom.current().nextLong(), 36);
    Podman.run(
            60,
            "run",
            "--detach",
            "--name",
            container,
            "--runtime",
            "runc",
            "--network",
            "host",
            "--read-only",
            "--cap-drop",
            "all",
            "--security-opt",
            "no-new-privileges",
            "--memory",
            Long.toString(MEMORY_LIMIT),
            "--volume",
            kubeconfig + ":/etc/portcullis/kubeconfig:ro",
            "--volume",
            world + ":/etc/portcullis/world.yaml:ro",
            "--env",
            "KUBECONFIG=/etc/portcullis/kubeconfig",
            image,
            "--world",
            "/etc/portcullis/world.yaml",
            "--namespaces",
            run.ns,
            "--throttling",
            "off",
            "--metrics-address",
            "127.0.0.1",
            "--metrics-port",
            Integer.toString(port))
        .orFail();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      URI healthz = URI.create("http://127.0.0.1:" + port + "/healthz");
      await()
          .atMost(90, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .ignoreExceptions()
          .alias("/healthz answers 200")
          .until(() -> get(http, healthz).statusCode() == 200);
      assertThat(get(http, healthz).body()).isEqualTo("ok\n");
      assertThat(Podman.run(30, "top", container, "user").orFail().output().lines().skip(1))
          .as("the users of the container's processes (podman top, from /proc)")
          .containsOnly("nonroot");

      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: web}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n"
              + "  ingress: [{ports: [https], from: [{cidr: 10.0.0.0/16}]}]\n");
      run.awaitCondition(SecurityGroup.class, "web", "Ready", "True");
      assertThat(run.groupId("web")).startsWith("sg-");

      String metrics = get(http, URI.create("http://127.0.0.1:" + port + "/metrics")).body();
      assertThat(metrics)
          .contains(
              "portcullis_resource_conditions{kind=\"SecurityGroup\",reason=\"Ready\","
                  + "status=\"True\",type=\"Ready\"} 1.0")
          .as("the serial collector, as the image's JVM flags choose")
          .contains("jvm_memory_max_bytes{area=\"heap\",id=\"Tenured Gen\"}");
      double heapMax =
          metrics
              .lines()
              .filter(l -> l.startsWith("jvm_memory_max_bytes{area=\"heap\""))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum();
      assertThat(heapMax)
          .as("the heap, sized from the container's memory limit (-XX:MaxRAMPercentage=75)")
          .isBetween(0.6 * MEMORY_LIMIT, 0.75 * MEMORY_LIMIT);
    } catch (AssertionError | RuntimeException e) {
      System.out.println(
          "ImageIT: the container's log:\n" + Podman.run(30, "logs", container).output());
      throw e;
    }
  }

  @AfterEach
  void removeTheContainerAndTheImage() throws IOException {
    if (container != null) {
      Podman.run(60, "rm", "--force", "--time", "10", container).orFail();
    }
    if (image != null) {
      Podman.run(60, "rmi", image).orFail();
    }
    if (files != null) {
      try (Stream<Path> all = Files.walk(files)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** The name podman gives the image it loaded ("Loaded image: localhost/portcullis:…"). */
  static String loadedImage(String loadOutput) {
    return loadOutput
        .lines()
        .filter(l -> l.startsWith("Loaded image"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("podman load named no image:\n" + loadOutput));
  }

  /**
   * The kubeconfig with the certificates and keys it names by file written into it, as a Secret
   * would hold it: the container sees the kubeconfig only.
   */
  static String selfContained(String kubeconfigYaml) throws IOException {
    Config config = KubeConfigUtils.parseConfigFromString(kubeconfigYaml);
    for (NamedCluster named : config.getClusters()) {
      Cluster c = named.getCluster();
      if (c.getCertificateAuthority() != null) {
        c.setCertificateAuthorityData(base64Of(c.getCertificateAuthority()));
        c.setCertificateAuthority(null);
      }
    }
    for (NamedAuthInfo named : config.getUsers()) {
      AuthInfo u = named.getUser();
      if (u.getClientCertificate() != null) {
        u.setClientCertificateData(base64Of(u.getClientCertificate()));
        u.setClientCertificate(null);
      }
      if (u.getClientKey() != null) {
        u.setClientKeyData(base64Of(u.getClientKey()));
        u.setClientKey(null);
      }
    }
    return new KubernetesSerialization().asYaml(config);
  }

  private static String base64Of(String file) throws IOException {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(file)));
  }

  /**
   * Creates an empty file that the container's user (another uid than this test's) can read: the
   * file is mounted read-only, and its folder stays private to this user.
   */
  private static Path readableByTheContainer(Path file) throws IOException {
    return Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
  }

  private static HttpResponse<String> get(HttpClient http, URI uri)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
