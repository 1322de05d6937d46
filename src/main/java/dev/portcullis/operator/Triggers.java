package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.List;
import java.util.Optional;

/**
 * Wakes the reconcilers that depend on a security group when its EC2 group appears, changes id or
 * goes: SecurityGroups whose rules name it, attachments that attach it, and the reachability checks
 * of its region. EC2 sends no Kubernetes events, so the SecurityGroup reconciler fires these
 * itself, after it has recorded the new state where dependents read it.
 */
public final class Triggers {
  /** Index of SecurityGroups by the {@code namespace/name} of each SecurityGroup they reference. */
  static final String REFERENCES = "portcullis.dev/references";

  /** Index of attachments by the {@code namespace/name} of each SecurityGroup they attach. */
  static final String ATTACHES = "portcullis.dev/attaches";

  /** Index of reachability checks by region. */
  static final String REGION = "portcullis.dev/region";

  private record Registered<P extends HasMetadata>(
      SimpleInboundEventSource<P> source, IndexedResourceCache<P> cache) {
    void fire(String index, String key) {
      List<P> dependents = cache.byIndex(index, key);
      dependents.forEach(p -> source.propagateEvent(ResourceID.fromResource(p)));
    }
  }

  private volatile Registered<SecurityGroup> groups;
  private volatile Registered<?> attachments;
  private volatile Registered<?> checks;

  void registerGroups(
      SimpleInboundEventSource<SecurityGroup> source, IndexedResourceCache<SecurityGroup> cache) {
    groups = new Registered<>(source, cache);
  }

  /** A SecurityGroup as the SecurityGroup controller's cache holds it. */
  Optional<SecurityGroup> securityGroup(String namespace, String name) {
    Registered<SecurityGroup> g = groups;
    if (g == null) {
      return Optional.empty();
    }
    return g.cache().get(new ResourceID(name, namespace)).filter(sg -> sg.getSpec() != null);
  }

  <P extends HasMetadata> void registerAttachments(
      SimpleInboundEventSource<P> source, IndexedResourceCache<P> cache) {
    attachments = new Registered<>(source, cache);
  }

  <P extends HasMetadata> void registerChecks(
      SimpleInboundEventSource<P> source, IndexedResourceCache<P> cache) {
    checks = new Registered<>(source, cache);
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** Reconciles SecurityGroup {@code namespace/name} (a key of {@link #key}) again. */
  void wake(String key) {
    Registered<SecurityGroup> g = groups;
    int slash = key.indexOf('/');
    if (g != null && slash > 0) {
      g.source().propagateEvent(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
    }
  }

  /** The EC2 group of SecurityGroup {@code namespace/name} appeared, changed or went. */
  void groupChanged(String namespace, String name, String region) {
    Registered<SecurityGroup> g = groups;
    if (g != null) {
      g.fire(REFERENCES, key(namespace, name));
    }
    Registered<?> a = attachments;
    if (a != null) {
      a.fire(ATTACHES, key(namespace, name));
    }
    regionChanged(region);
  }

  /** Rules or attachments changed in the region: verdicts there may have changed. */
  void regionChanged(String region) {
    Registered<?> c = checks;
    if (c != null && region != null) {
      c.fire(REGION, region);
    }
  }
}
