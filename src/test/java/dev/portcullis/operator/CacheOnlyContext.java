package dev.portcullis.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A reconciliation's context that has the primary resources' cache and nothing else: what the
 * reconcilers read of it. Anything else it is asked fails the test.
 */
record CacheOnlyContext<P extends HasMetadata>(P primary, IndexedResourceCache<P> cache)
    implements Context<P> {
  @Override
  public IndexedResourceCache<P> getPrimaryCache() {
    return cache;
  }

  @Override
  public P getPrimaryResource() {
    return primary;
  }

  @Override
  public Optional<RetryInfo> getRetryInfo() {
    return Optional.empty();
  }

  private static UnsupportedOperationException unused() {
    return new UnsupportedOperationException("the reconcilers do not read this");
  }

  @Override
  public <R> Set<R> getSecondaryResources(Class<R> type) {
    throw unused();
  }

  @Override
  public <R> Optional<R> getSecondaryResource(Class<R> type, String name) {
    throw unused();
  }

  @Override
  public ControllerConfiguration<P> getControllerConfiguration() {
    throw unused();
  }

  @Override
  public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
    throw unused();
  }

  @Override
  public EventSourceRetriever<P> eventSourceRetriever() {
    throw unused();
  }

  @Override
  public KubernetesClient getClient() {
    throw unused();
  }

  @Override
  public ExecutorService getWorkflowExecutorService() {
    throw unused();
  }

  @Override
  public boolean isNextReconciliationImminent() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceDeleted() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceFinalStateUnknown() {
    return false;
  }
}
