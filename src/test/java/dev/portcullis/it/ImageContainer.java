package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.awaitility.Awaitility.await;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The operator's container image ({@code target/portcullis-image.tar}, which {@code mvn verify}
 * builds with Jib) run with podman as a cluster would run it: the host's network, to reach the test
 * cluster's API server on 127.0.0.1; a read-only root file system (podman then mounts a tmpfs on
 * {@code /tmp}, as a pod mounts an emptyDir); no capabilities; a memory limit; and a self-contained
 * kubeconfig and the simulator's world file mounted read-only. {@link #close()} removes the
 * container and its files.
 */
public final class ImageContainer implements AutoCloseable {
  /** Where {@code mvn verify} (and {@code ./scripts/image.sh}) writes the image. */
  public static final Path TARBALL = Path.of("target", "portcullis-image.tar");

  /** The operator's command line as the image's entrypoint runs it, after the JVM's flags. */
  static final List<String> OPERATOR =
      List.of("-cp", "@/app/jib-classpath-file", "dev.portcullis.Main", "operator");

  private final String name;
  private final Path files;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ImageContainer(String name, Path files, int port) {
    this.name = name;
    this.files = files;
    this.port = port;
  }

  /** Loads the image tarball into podman and returns the image's name. */
  public static String load(Path tarball) {
    Podman.requireUsable();
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalStateException(
          tarball.toAbsolutePath()
              + " is missing: `mvn verify` builds it before the integration tests,"
              + " ./scripts/image.sh builds it alone");
    }
    String output = Podman.run(300, "load", "--input", tarball.toString()).orFail().output();
    return output
        .lines()
        .filter(l -> l.startsWith("Loaded image"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("podman load named no image:\n" + output));
  }

  /** Removes the image from podman's store. */
  public static void remove(String image) {
    Podman.run(60, "rmi", image).orFail();
  }

  /** The image's configuration, as {@code podman image inspect --format GO_TEMPLATE} prints it. */
  public static String inspect(String image, String goTemplate) {
    return Podman.run(30, "image", "inspect", "--format", goTemplate, image)
        .orFail()
        .output()
        .strip();
  }

  /**
   * Starts the operator from {@code image} on the simulator's demo world, watching {@code
   * namespace} of {@code cluster}, within {@code memoryLimit} bytes. {@code jvmFlags} replace the
   * image's (null keeps them); the metrics port listens on 127.0.0.1 and a free port.
   */
  public static ImageContainer start(
      String image,
      TestCluster cluster,
      String namespace,
      long memoryLimit,
      List<String> jvmFlags,
      String... operatorArgs)
      throws IOException {
    Path files = Files.createTempDirectory("portcullis-image");
    Path kubeconfig = readableByTheContainer(files.resolve("kubeconfig"));
    Files.writeString(kubeconfig, selfContained(cluster.kubeconfigYaml()));
    Path world = readableByTheContainer(files.resolve("world.yaml"));
    try (InputStream in = ImageContainer.class.getResourceAsStream("/worlds/demo.yaml")) {
      Files.write(world, in.readAllBytes());
    }
    int port = freePort();
    String name =
        "portcullis-image-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "run",
            "--detach",
            "--name",
            name,
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
            Long.toString(memoryLimit),
            "--volume",
            kubeconfig + ":/etc/portcullis/kubeconfig:ro",
            "--volume",
            world + ":/etc/portcullis/world.yaml:ro",
            "--env",
            "KUBECONFIG=/etc/portcullis/kubeconfig"));
    if (jvmFlags != null) {
      args.addAll(List.of("--entrypoint", "java", image));
      args.addAll(jvmFlags);
      args.addAll(OPERATOR);
    } else {
      // the command replaces the image's default one, which is the same
      args.addAll(List.of(image, "operator"));
    }
    args.addAll(
        List.of(
            "--world",
            "/etc/portcullis/world.yaml",
            "--namespaces",
            namespace,
            "--throttling",
            "off",
            "--metrics-address",
            "127.0.0.1",
            "--metrics-port",
            Integer.toString(port)));
    args.addAll(List.of(operatorArgs));
    ImageContainer c = new ImageContainer(name, files, port);
    try {
      Podman.run(60, args.toArray(String[]::new)).orFail();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Waits until {@code /healthz} answers 200. */
  public void awaitHealthy(Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(100, MILLISECONDS)
        .ignoreExceptions()
        .alias("/healthz of container " + name + " answers 200")
        .until(() -> get("/healthz").statusCode() == 200);
  }

  /** GET {@code path} of the metrics port. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The sum of the heap's pools of the JVM meter {@code name} ({@code jvm_memory_used_bytes}, say),
   * as {@code /metrics} serves it now.
   */
  public double heapBytes(String name) throws IOException, InterruptedException {
    String prefix = name + "{area=\"heap\"";
    return get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** The users of the container's processes, as podman reads them from /proc. */
  public List<String> processUsers() {
    return Podman.run(30, "top", name, "user").orFail().output().lines().skip(1).toList();
  }

  /** The host's process id of the container's first process: the JVM. */
  public long pid() {
    return Long.parseLong(
        Podman.run(30, "inspect", "--format", "{{.State.Pid}}", name).orFail().output().strip());
  }

  /** The JVM's resident set, in bytes, from /proc. */
  public long residentBytes() throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
            .filter(l -> l.startsWith("VmRSS:"))
            .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
            .findFirst()
            .orElseThrow()
        * 1024;
  }

  /** What the operator printed. */
  public String logs() {
    return Podman.run(30, "logs", name).output();
  }

  /** Removes the container (stopping it first) and its files. */
  @Override
  public void close() {
    Podman.run(60, "rm", "--force", "--time", "10", name).orFail();
    try (Stream<Path> all = Files.walk(files)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + files, e);
    }
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
   * Creates an empty file that the container's user (another uid than this process's) can read: it
   * is mounted read-only, and its folder stays private to this user.
   */
  private static Path readableByTheContainer(Path file) throws IOException {
    return Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
