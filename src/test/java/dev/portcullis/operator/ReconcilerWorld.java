package dev.portcullis.operator;

import dev.portcullis.MovableClock;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Direction;
import dev.portcullis.sync.OwnerTags;
import dev.portcullis.sync.Retry;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a reconciler meets, without an API server: the demo world's simulator as EC2, the
 * SecurityGroup informer's cache, and the events it would write.
 */
final class ReconcilerWorld {
  static final String EU = "eu-west-1";
  static final String VPC = "vpc-0a000001";
  static final String NS = "shop";
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  final Ec2Simulator sim;
  final List<Event> events = new ArrayList<>();
  final List<SecurityGroup> statuses = new ArrayList<>();
  final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final OperatorContext op;
  final MapCache<SecurityGroup> groups = new MapCache<>();
  final MapCache<ReachabilityCheck> checks = new MapCache<>();

  ReconcilerWorld() {
    this(DemoWorld.unthrottled(), Shard.ALL);
  }

  /** An operator of {@code shard}, which reads SecurityGroups outside its cache from it. */
  ReconcilerWorld(Shard shard) {
    this(DemoWorld.unthrottled(), shard);
  }

  /** An operator (started anew, say) on a simulator that already holds what it held. */
  ReconcilerWorld(Ec2Simulator sim) {
    this(sim, Shard.ALL);
  }

  private ReconcilerWorld(Ec2Simulator sim, Shard shard) {
    this.sim = sim;
    this.op =
        new OperatorContext(
            new EventRecorder(events::add, clock),
            statuses::add,
            CloudBackend.simulator(sim),
            new Retry(2, 1, 1, ms -> {}, 1),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            clock,
            OperatorContext.UNPACED_CREATES,
            new OperatorMetrics(meters, true),
            shard);
    // as JOSDK does when the controllers start: their caches, indexed by the triggers
    op.triggers().groups(new EventSourceContext<>(groups, null, null, SecurityGroup.class));
    op.triggers().checks(new EventSourceContext<>(checks, null, null, ReachabilityCheck.class));
  }

  /** A resource from YAML, as the API server would hand it over (namespace, uid, generation). */
  static <T extends HasMetadata> T resource(Class<T> type, String yaml) {
    T r = YAML.unmarshal(yaml, type);
    r.getMetadata().setNamespace(NS);
    r.getMetadata().setUid(UUID.nameUUIDFromBytes(r.getMetadata().getName().getBytes()).toString());
    r.getMetadata().setGeneration(1L);
    return r;
  }

  /** A SecurityGroup the informer has seen, with or without its EC2 group. */
  SecurityGroup securityGroup(String name, boolean inEc2) {
    SecurityGroup sg =
        groups.put(
            resource(
                SecurityGroup.class,
                "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
                    + "metadata: {name: "
                    + name
                    + "}\nspec: {region: "
                    + EU
                    + ", vpcId: "
                    + VPC
                    + "}\n"));
    if (inEc2) {
      ec2Group(sg);
    }
    return sg;
  }

  /**
   * A SecurityGroup the informer has seen, not reconciled yet: HTTPS from anywhere, in eu-west-1,
   * with {@code extra} spec fields (such as {@code ", driftPolicy: Report"}).
   */
  SecurityGroup httpsGroup(String name, String extra) {
    return groups.put(
        resource(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
                + name
                + "}\nspec: {region: eu-west-1, vpcId: vpc-0a000001, ingress: [{ports: [443],"
                + " from: [{cidr: 0.0.0.0/0}]}]"
                + extra
                + "}\n"));
  }

  SecurityGroupInfo ec2Group(SecurityGroup sg) {
    return sim.createSecurityGroup(
        EU,
        VPC,
        NS + "/" + sg.getMetadata().getName(),
        "d",
        new OwnerTags(NS, sg.getMetadata().getName(), sg.getMetadata().getUid()).asTags());
  }

  List<String> groupsOn(String instanceId) {
    return sim.describeAllInstances(EU, new InstanceFilter(List.of(instanceId), null))
        .get(0)
        .interfaces()
        .get(0)
        .groupIds();
  }

  static Condition condition(List<Condition> conditions, String type) {
    return Conditions.find(conditions, type);
  }

  List<String> eventLines() {
    return events.stream().map(e -> e.getType() + " " + e.getReason()).toList();
  }

  /** Takes every ingress rule off an EC2 group outside the operator, and lets it read again. */
  void removeIngressOutOfBand(String groupId) {
    SecurityGroupInfo g = sim.describeAllSecurityGroups(EU, GroupFilter.ids(groupId)).get(0);
    sim.revoke(
        EU,
        groupId,
        Direction.INGRESS,
        g.rules().stream()
            .map(ObservedRule::rule)
            .filter(r -> r.direction() == Direction.INGRESS)
            .toList());
    op.inventory().expire(EU);
  }

  /**
   * Reconciles a SecurityGroup as JOSDK does: the status returned is what the next reconciliation
   * reads.
   */
  SecurityGroupStatus reconcile(SecurityGroupReconciler reconciler, SecurityGroup sg) {
    UpdateControl<SecurityGroup> control =
        reconciler.reconcile(sg, new CacheOnlyContext<>(sg, groups));
    if (control.isPatchStatus()) {
      sg.setStatus(control.getResource().orElseThrow().getStatus());
    }
    return sg.getStatus();
  }
}
