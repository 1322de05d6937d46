package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The Kubernetes cluster the integration tests ({@code *IT}) talk to: one per test JVM, started on
 * first use by {@link #shared()}, with Portcullis' CRDs (from {@code crds/}) installed and
 * Established, and stopped when the JVM exits.
 *
 * <p>System property {@value #MODE_PROPERTY} chooses the cluster:
 *
 * <ul>
 *   <li>{@code auto} (the default): k3s when a Docker engine answers, else the local API server;
 *   <li>{@code apiserver}: a kube-apiserver and etcd started from the binaries that {@code
 *       scripts/cluster-binaries.sh} builds, listening on 127.0.0.1 only ({@link
 *       ApiServerCluster});
 *   <li>{@code k3s}: k3s in a container ({@link K3sCluster});
 *   <li>{@code kubeconfig}: an existing cluster, from the file named by {@value
 *       #KUBECONFIG_PROPERTY} or by {@code KUBECONFIG} ({@link KubeconfigCluster}).
 * </ul>
 *
 * <p>Tests use {@link #client()} and create their own namespaces with {@link #newNamespace}, so
 * that {@link DiagnosticsOnFailure} can show what was in them when a test fails.
 */
public abstract class TestCluster {
  /** Which cluster: {@code auto}, {@code apiserver}, {@code k3s} or {@code kubeconfig}. */
  public static final String MODE_PROPERTY = "portcullis.it.cluster";

  /** For {@code kubeconfig}: the kubeconfig file (else the {@code KUBECONFIG} variable). */
  public static final String KUBECONFIG_PROPERTY = "portcullis.it.kubeconfig";

  /** The CRDs installed into every cluster. */
  static final Path CRDS = Path.of("crds");

  private static TestCluster shared;
  private static RuntimeException failedToStart;

  private final List<String> namespaces = new CopyOnWriteArrayList<>();
  private volatile KubernetesClient client;

  /** The started cluster of this JVM, with the CRDs installed; starts it on first use. */
  public static synchronized TestCluster shared() {
    if (failedToStart != null) {
      // One attempt per JVM: every later test class fails at once, with the first cause.
      throw new IllegalStateException(
          "the test cluster did not start: " + failedToStart.getMessage(), failedToStart);
    }
    if (shared == null) {
      try {
        TestCluster cluster = choose();
        Runtime.getRuntime()
            .addShutdownHook(new Thread(cluster::close, "portcullis-it-cluster-stop"));
        cluster.installCrds();
        shared = cluster;
      } catch (RuntimeException e) {
        failedToStart = e;
        throw e;
      }
    }
    return shared;
  }

  private static TestCluster choose() {
    String mode = System.getProperty(MODE_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    String choose = "(set -D" + MODE_PROPERTY + "=apiserver|k3s|kubeconfig to choose)";
    String chosen = "chosen by -D" + MODE_PROPERTY + "=" + mode;
    switch (mode) {
      case "apiserver":
        return ApiServerCluster.start(chosen);
      case "k3s":
        return K3sCluster.start(chosen);
      case "kubeconfig":
        return KubeconfigCluster.start(chosen);
      case "auto":
        if (K3sCluster.dockerAvailable()) {
          return K3sCluster.start("a Docker engine answers " + choose);
        }
        return ApiServerCluster.start("no Docker engine found " + choose);
      default:
        throw new IllegalArgumentException(
            "-D" + MODE_PROPERTY + "=" + mode + ": expected auto, apiserver, k3s or kubeconfig");
    }
  }

  /** Prints the one line that says which cluster the tests use and why. */
  static void announce(String what, String why) {
    System.out.println("portcullis-it: using " + what + ": " + why);
  }

  /** A kubeconfig (YAML) for this cluster, with full rights. */
  public abstract String kubeconfigYaml();

  /** Stops the cluster, if this harness started it. */
  protected abstract void stop();

  /** A client with full rights on this cluster. */
  public KubernetesClient client() {
    KubernetesClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c = newClient();
          client = c;
        }
      }
    }
    return c;
  }

  /** A new client of its own (the caller closes it), e.g. for an operator under test. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(kubeconfigYaml()))
        .build();
  }

  /**
   * Creates a namespace with a unique name that starts with {@code prefix} and returns its name.
   * Namespaces are left in place after the test, so that a failure can be inspected.
   */
  public String newNamespace(String prefix) {
    String base = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    base = base.replaceAll("^-+|-+$", "");
    if (base.isEmpty()) {
      base = "it";
    }
    if (base.length() > 50) {
      base = base.substring(0, 50).replaceAll("-+$", "");
    }
    String name = base + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    namespaces.add(name);
    return name;
  }

  /** The namespaces {@link #newNamespace} created, in order. */
  public List<String> namespaces() {
    return List.copyOf(namespaces);
  }

  /** Closes the client and stops the cluster (the shared one stops when the JVM exits). */
  void close() {
    KubernetesClient c = client;
    if (c != null) {
      c.close();
    }
    stop();
  }

  /** Installs (or updates) the CRDs from {@code crds/} and waits until they are Established. */
  void installCrds() {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        crds.add(
            client()
                .getKubernetesSerialization()
                .unmarshal(Files.readString(file), CustomResourceDefinition.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the CRDs in " + CRDS.toAbsolutePath(), e);
    }
    if (crds.isEmpty()) {
      throw new IllegalStateException("no CRDs in " + CRDS.toAbsolutePath());
    }
    for (CustomResourceDefinition crd : crds) {
      crd.getMetadata().setResourceVersion(null);
      client()
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(crd)
          .fieldManager("portcullis-it")
          .forceConflicts()
          .serverSideApply();
    }
    for (CustomResourceDefinition crd : crds) {
      String name = crd.getMetadata().getName();
      await("CRD " + name + " Established")
          .atMost(30, SECONDS)
          .pollInterval(100, MILLISECONDS)
          .until(() -> established(name));
    }
  }

  private boolean established(String name) {
    CustomResourceDefinition crd =
        client().apiextensions().v1().customResourceDefinitions().withName(name).get();
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
