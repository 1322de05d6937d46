package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.RuleSpecs;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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

  private final OperatorMetrics metrics;

  Triggers(OperatorMetrics metrics) {
    this.metrics = metrics;
  }

  private volatile Registered<SecurityGroup> groups;
  private volatile Registered<SecurityGroupAttachment> attachments;
  private volatile Registered<ReachabilityCheck> checks;

  /**
   * Indexes the SecurityGroups by the names their rules reference, and returns the source through
   * which their dependencies wake them.
   */
  List<EventSource<?, SecurityGroup>> groups(EventSourceContext<SecurityGroup> context) {
    Registered<SecurityGroup> r =
        register(
            context,
            REFERENCES,
            "group-changes",
            sg -> keys(sg, RuleSpecs.securityGroupNames(sg.getSpec())));
    groups = r;
    return List.of(r.source());
  }

  /** Indexes the attachments by the SecurityGroups they attach. */
  List<EventSource<?, SecurityGroupAttachment>> attachments(
      EventSourceContext<SecurityGroupAttachment> context) {
    Registered<SecurityGroupAttachment> r =
        register(
            context,
            ATTACHES,
            "attached-group-changes",
            a ->
                keys(
                    a,
                    a.getSpec() == null || a.getSpec().getSecurityGroups() == null
                        ? List.of()
                        : a.getSpec().getSecurityGroups()));
    attachments = r;
    return List.of(r.source());
  }

  /** Indexes the reachability checks by region. */
  List<EventSource<?, ReachabilityCheck>> checks(EventSourceContext<ReachabilityCheck> context) {
    Registered<ReachabilityCheck> r =
        register(
            context,
            REGION,
            "region-changes",
            c -> c.getSpec() == null ? List.of() : List.of(c.getSpec().getRegion()));
    checks = r;
    return List.of(r.source());
  }

  private <P extends HasMetadata> Registered<P> register(
      EventSourceContext<P> context, String index, String name, Function<P, List<String>> keys) {
    context.getPrimaryCache().addIndexer(index, keys);
    metrics.watch(
        HasMetadata.getKind(context.getPrimaryResourceClass()), context.getPrimaryCache());
    return new Registered<>(new SimpleInboundEventSource<>(name), context.getPrimaryCache());
  }

  private static List<String> keys(HasMetadata r, Collection<String> names) {
    return names.stream().map(n -> key(r.getMetadata().getNamespace(), n)).toList();
  }

  /**
   * The SecurityGroups and attachments of a namespace and region that are still converging ({@link
   * Convergence}), as the informers' caches hold them: what a reachability check's verdict may
   * still change with.
   */
  List<String> converging(String namespace, String region) {
    List<String> out = new ArrayList<>();
    Registered<SecurityGroup> g = groups;
    if (g != null) {
      g.cache()
          .list(namespace)
          .filter(sg -> sg.getSpec() != null && region.equals(sg.getSpec().getRegion()))
          .filter(sg -> Convergence.converging(sg, sg.getStatus()))
          .forEach(sg -> out.add("SecurityGroup " + sg.getMetadata().getName()));
    }
    Registered<SecurityGroupAttachment> a = attachments;
    if (a != null) {
      a.cache()
          .list(namespace)
          .filter(x -> x.getSpec() != null && region.equals(x.getSpec().getRegion()))
          .filter(x -> Convergence.converging(x, x.getStatus()))
          .forEach(x -> out.add("SecurityGroupAttachment " + x.getMetadata().getName()));
    }
    return out;
  }

  /** The SecurityGroups (with a spec) the SecurityGroup controller's cache holds. */
  List<SecurityGroup> securityGroups() {
    Registered<SecurityGroup> g = groups;
    if (g == null) {
      return List.of();
    }
    return g.cache().list().filter(sg -> sg.getSpec() != null).toList();
  }

  /**
   * The SecurityGroupAttachments (with a spec) the attachment controller's cache holds: those of
   * the namespaces the operator watches and its shard, read without a request to the API server.
   */
  List<SecurityGroupAttachment> attachments() {
    Registered<SecurityGroupAttachment> a = attachments;
    if (a == null) {
      return List.of();
    }
    return a.cache().list().filter(x -> x.getSpec() != null).toList();
  }

  /** A SecurityGroup as the SecurityGroup controller's cache holds it. */
  Optional<SecurityGroup> securityGroup(String namespace, String name) {
    Registered<SecurityGroup> g = groups;
    if (g == null) {
      return Optional.empty();
    }
    return g.cache().get(new ResourceID(name, namespace)).filter(sg -> sg.getSpec() != null);
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
    Registered<SecurityGroupAttachment> a = attachments;
    if (a != null) {
      a.fire(ATTACHES, key(namespace, name));
    }
    regionChanged(region);
  }

  /** Rules or attachments changed in the region: verdicts there may have changed. */
  void regionChanged(String region) {
    Registered<ReachabilityCheck> c = checks;
    if (c != null && region != null) {
      c.fire(REGION, region);
    }
  }
}
