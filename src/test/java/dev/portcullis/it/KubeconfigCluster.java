package dev.portcullis.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cluster that is already running, named by a kubeconfig file: {@value #KUBECONFIG_PROPERTY},
 * else the first file in {@code KUBECONFIG}. The harness installs the CRDs into it and creates
 * namespaces, and never stops it.
 */
final class KubeconfigCluster extends TestCluster {
  private final String kubeconfig;

  private KubeconfigCluster(String kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  static KubeconfigCluster start(String why) {
    String file = System.getProperty(KUBECONFIG_PROPERTY);
    if (file == null || file.isBlank()) {
      String env = System.getenv("KUBECONFIG");
      file = env == null ? "" : env.split(File.pathSeparator)[0];
    }
    if (file.isBlank()) {
      throw new IllegalStateException(
          "-D"
              + MODE_PROPERTY
              + "=kubeconfig needs a kubeconfig file: set -D"
              + KUBECONFIG_PROPERTY
              + "=<file> or KUBECONFIG");
    }
    Path path = Path.of(file).toAbsolutePath();
    try {
      String yaml = Files.readString(path);
      announce("the cluster of the kubeconfig " + path, why);
      return new KubeconfigCluster(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the kubeconfig " + path, e);
    }
  }

  @Override
  public String kubeconfigYaml() {
    return kubeconfig;
  }

  @Override
  protected void stop() {}
}
