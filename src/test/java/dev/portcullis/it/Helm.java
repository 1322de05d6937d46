package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code helm} that {@code scripts/helm.sh} builds (found as {@code $PORTCULLIS_HELM}, else in
 * the cache), run on the chart {@code helm/portcullis} against the shared test cluster, with a
 * kubeconfig and Helm folders of its own in a temporary directory.
 */
final class Helm {
  static final String VERSION = "4.3.2";
  static final Path CHART = Path.of("helm", "portcullis");

  /** What one run of helm printed, and how it ended. */
  record Result(int exit, String out, String err) {
    Result ok() {
      assertThat(exit).as("helm failed: %s%s", err, out).isZero();
      return this;
    }
  }

  private final Path binary;
  private final Path home;

  private Helm(Path binary, Path home) {
    this.binary = binary;
    this.home = home;
  }

  /** The helm binary, with a kubeconfig for {@code cluster}. */
  static Helm forCluster(TestCluster cluster) {
    Path binary = binary();
    try {
      Path home = Files.createTempDirectory("portcullis-helm-");
      home.toFile().deleteOnExit();
      Path kubeconfig = home.resolve("kubeconfig");
      Files.writeString(kubeconfig, cluster.kubeconfigYaml());
      kubeconfig.toFile().deleteOnExit();
      return new Helm(binary, home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path binary() {
    String explicit = System.getenv("PORTCULLIS_HELM");
    Path binary;
    if (explicit != null && !explicit.isBlank()) {
      binary = Path.of(explicit);
    } else {
      binary = ApiServerCluster.cacheDir().resolve("helm").resolve(VERSION).resolve("helm");
    }
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "no helm at " + binary + ": run scripts/helm.sh, which builds it (a few minutes, once)");
    }
    return binary;
  }

  /** Runs {@code helm ARGS}. */
  Result run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("KUBECONFIG", home.resolve("kubeconfig").toString());
    env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
    env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
    env.put("HELM_DATA_HOME", home.resolve("data").toString());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("helm %s ended", args[0]).isTrue();
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code helm template} of the chart with {@code args}, as objects. */
  List<HasMetadata> template(KubernetesClient client, String namespace, String... args) {
    List<String> cmd = new ArrayList<>(List.of("template", "portcullis", CHART.toString()));
    cmd.addAll(List.of("--namespace", namespace));
    cmd.addAll(List.of(args));
    String yaml = run(cmd.toArray(String[]::new)).ok().out();
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }
}
