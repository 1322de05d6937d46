package dev.portcullis.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * Copies a cached resource for a reconciliation through Jackson's token buffer rather than through
 * JSON text, as JOSDK's default cloner does. The copy is the same, but writing and reading text
 * leaves Jackson's per-thread buffers (thread-local, each as large as the largest resource the
 * thread has copied) on every reconciliation thread for as long as the thread lives.
 */
final class TreeCloner implements Cloner {
  private final KubernetesSerialization serialization;

  TreeCloner(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R extends HasMetadata> R clone(R object) {
    return (R) serialization.convertValue(object, object.getClass());
  }
}
