package dev.portcullis.it;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a container, through Testcontainers; needs a Docker engine. The image is {@value
 * #DEFAULT_IMAGE} unless {@value #IMAGE_PROPERTY} names another.
 */
final class K3sCluster extends TestCluster {
  static final String DEFAULT_IMAGE = "rancher/k3s:v1.34.4-k3s1";
  static final String IMAGE_PROPERTY = "portcullis.it.k3s.image";

  private final K3sContainer container;
  private final String kubeconfig;

  private K3sCluster(K3sContainer container) {
    this.container = container;
    this.kubeconfig = container.getKubeConfigYaml();
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static K3sCluster start(String why) {
    String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
    announce("k3s in a container (" + image + ")", why);
    K3sContainer container =
        new K3sContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s"));
    container.start();
    return new K3sCluster(container);
  }

  @Override
  public String kubeconfigYaml() {
    return kubeconfig;
  }

  @Override
  protected void stop() {
    container.stop();
  }
}
