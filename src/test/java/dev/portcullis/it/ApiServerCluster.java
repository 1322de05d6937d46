package dev.portcullis.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A kube-apiserver and an etcd started on this machine by Fabric8's kube-api-test, in offline mode,
 * from the binaries that {@code scripts/cluster-binaries.sh} builds into {@code
 * $PORTCULLIS_CACHE/k8s/<version>-linux-amd64/}.
 *
 * <p>Both listen on 127.0.0.1 only. kube-api-test starts etcd with {@code --listen-client-urls
 * http://0.0.0.0:<port>} and points kube-apiserver at that address, and has no setting to change
 * either; so the binaries are not handed to it directly but through a folder of its own (in a
 * temporary directory, with the certificates it generates) where etcd and kube-apiserver are small
 * scripts that replace {@code 0.0.0.0} and {@code localhost} in URL arguments with {@code
 * 127.0.0.1}, then run the real binary.
 */
final class ApiServerCluster extends TestCluster {
  /** The version of kube-apiserver and kubectl that scripts/cluster-binaries.sh builds. */
  static final String KUBE_VERSION = "1.34.4";

  /** The cache folder (else the {@code PORTCULLIS_CACHE} variable, else ~/.cache/portcullis). */
  static final String CACHE_PROPERTY = "portcullis.it.cache";

  private static final List<String> BINARIES = List.of("kube-apiserver", "etcd", "kubectl");

  private final KubeAPIServer server;
  private final Path testDir;
  private final String kubeconfig;

  /** Where a restartable kube-apiserver's wrapper writes its pid and looks for {@link #DOWN}. */
  private final Path control;

  /** While this file is in {@link #control}, a stopped kube-apiserver is not started again. */
  private static final String DOWN = "kube-apiserver.down";

  private static final String PID = "kube-apiserver.pid";

  private ApiServerCluster(KubeAPIServer server, Path testDir, Path control) {
    this.server = server;
    this.testDir = testDir;
    this.control = control;
    this.kubeconfig = server.getKubeConfigYaml();
  }

  /** The cache folder that holds {@code k8s/<version>-linux-amd64/}. */
  static Path cacheDir() {
    String dir = System.getProperty(CACHE_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("PORTCULLIS_CACHE");
    }
    if (dir == null || dir.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "portcullis");
    }
    return Path.of(dir);
  }

  static Path binariesDir(Path cache) {
    return cache.resolve("k8s").resolve(KUBE_VERSION + "-linux-amd64");
  }

  static ApiServerCluster start(String why) {
    return start(why, false);
  }

  /**
   * A cluster of its own, not the shared one, with the CRDs installed, whose kube-apiserver {@link
   * #stopApiServer} and {@link #restartApiServer} stop and start again on the same port and the
   * same etcd. Always from the local binaries, whichever cluster the other tests use; the caller
   * closes it.
   */
  static ApiServerCluster startRestartable() {
    ApiServerCluster cluster = start("a kube-apiserver of its own, to stop and restart", true);
    try {
      cluster.installCrds();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private static ApiServerCluster start(String why, boolean restartable) {
    Path binaries = binariesDir(cacheDir()).toAbsolutePath();
    for (String b : BINARIES) {
      if (!Files.isExecutable(binaries.resolve(b))) {
        throw new IllegalStateException(
            "The integration tests need kube-apiserver, etcd and kubectl "
                + KUBE_VERSION
                + " in "
                + binaries
                + ", and "
                + b
                + " is missing: run scripts/cluster-binaries.sh (the first run builds them, about"
                + " 12 minutes), or choose another cluster with -D"
                + MODE_PROPERTY
                + "=k3s|kubeconfig");
      }
    }
    announce("the local kube-apiserver " + KUBE_VERSION + " from " + binaries, why);
    Path testDir;
    try {
      testDir = Files.createTempDirectory("portcullis-apiserver-");
      Path dir = binariesDir(testDir);
      Files.createDirectories(dir);
      Files.createSymbolicLink(dir.resolve("kubectl"), binaries.resolve("kubectl"));
      writeLoopbackWrapper(dir.resolve("etcd"), binaries.resolve("etcd"), null);
      writeLoopbackWrapper(
          dir.resolve("kube-apiserver"),
          binaries.resolve("kube-apiserver"),
          restartable ? testDir : null);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing the kube-apiserver's folder", e);
    }
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withApiServerVersion(KUBE_VERSION)
                .withTestDir(testDir.toString())
                .withUpdateKubeConfig(false)
                .withApiServerFlag("--bind-address", "127.0.0.1")
                .withApiServerFlag("--advertise-address", "127.0.0.1")
                .withStartupTimeout(90_000)
                .build());
    try {
      server.start();
    } catch (RuntimeException e) {
      server.stop();
      deleteQuietly(testDir);
      throw new IllegalStateException(
          "kube-apiserver "
              + KUBE_VERSION
              + " from "
              + binaries
              + " did not start (run with -Dorg.slf4j.simpleLogger.log.io.fabric8.kubeapitest=debug"
              + " to see its output)",
          e);
    }
    return new ApiServerCluster(server, testDir, restartable ? testDir : null);
  }

  /**
   * Writes a script that runs {@code real} with the same arguments, except that in each URL the
   * host {@code 0.0.0.0} or {@code localhost} becomes {@code 127.0.0.1}.
   *
   * <p>With a {@code control} folder, the script runs {@code real} as its child and writes the
   * child's pid there; when the child ends while the file {@value #DOWN} is there (the tests
   * stopped it), it waits until the file is gone and runs it again with the same arguments, and
   * otherwise ends with the child's exit code, as the plain script does.
   */
  private static void writeLoopbackWrapper(Path script, Path real, Path control)
      throws IOException {
    String quoted = "'" + real.toString().replace("'", "'\\''") + "'";
    String text =
        String.join(
            "\n",
            "#!/bin/sh",
            "# Runs " + real.getFileName() + " listening on and connecting to 127.0.0.1 only.",
            "n=$#",
            "while [ \"$n\" -gt 0 ]; do",
            "  a=$1",
            "  shift",
            "  case $a in",
            "    *://0.0.0.0:* | *://localhost:*)",
            "      a=$(printf '%s\\n' \"$a\" | sed -e 's#://0\\.0\\.0\\.0:#://127.0.0.1:#g'"
                + " -e 's#://localhost:#://127.0.0.1:#g') ;;",
            "  esac",
            "  set -- \"$@\" \"$a\"",
            "  n=$((n - 1))",
            "done",
            control == null ? "exec " + quoted + " \"$@\"" : supervisor(quoted, control),
            "");
    Files.writeString(script, text);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String supervisor(String quoted, Path control) {
    String dir = "'" + control.toString().replace("'", "'\\''") + "'";
    return String.join(
        "\n",
        "while :; do",
        "  " + quoted + " \"$@\" &",
        "  echo $! > " + dir + "/" + PID,
        "  wait $!",
        "  code=$?",
        "  [ -e " + dir + "/" + DOWN + " ] || exit $code",
        "  while [ -e " + dir + "/" + DOWN + " ]; do sleep 0.2; done",
        "done");
  }

  /**
   * Stops the kube-apiserver (SIGTERM, as a control plane's restart does); etcd keeps running, and
   * the port refuses connections until {@link #restartApiServer}.
   */
  void stopApiServer() {
    requireRestartable();
    try {
      Files.writeString(control.resolve(DOWN), "");
      ProcessHandle apiserver = apiServerProcess();
      apiserver.destroy();
      try {
        apiserver.onExit().get(60, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        apiserver.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the kube-apiserver again, on the same port and etcd, and waits until it answers. */
  void restartApiServer() {
    requireRestartable();
    try {
      Files.delete(control.resolve(DOWN));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("kube-apiserver answers again")
        .atMost(90, TimeUnit.SECONDS)
        .pollInterval(200, TimeUnit.MILLISECONDS)
        .ignoreExceptions()
        .until(() -> client().namespaces().withName("default").get() != null);
  }

  private ProcessHandle apiServerProcess() throws IOException {
    long pid = Long.parseLong(Files.readString(control.resolve(PID)).trim());
    return ProcessHandle.of(pid)
        .orElseThrow(() -> new IllegalStateException("kube-apiserver " + pid + " is not running"));
  }

  private void requireRestartable() {
    if (control == null) {
      throw new IllegalStateException("this cluster's kube-apiserver is not restartable");
    }
  }

  @Override
  public String kubeconfigYaml() {
    return kubeconfig;
  }

  @Override
  protected void stop() {
    try {
      server.stop();
    } finally {
      if (control != null) {
        // the wrapper was killed; the kube-apiserver it ran outlives it
        try {
          apiServerProcess().destroyForcibly();
        } catch (IOException | RuntimeException e) {
          // gone already
        }
      }
      deleteQuietly(testDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory: the system cleans it up in the end
    }
  }
}
