package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.operator.CloudBackend;
import dev.portcullis.operator.PortcullisOperator;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The operator under test, in this JVM, on the simulator's demo world, watching one namespace of
 * the shared test cluster, with a short resync so drift shows up within seconds.
 */
final class OperatorRun implements AutoCloseable {
  static final String EU = "eu-west-1";
  static final String VPC_A = "vpc-0a000001";
  static final String VPC_B = "vpc-0b000002";
  static final String BASTION = "i-0a000001";
  static final String BASTION_ENI = "eni-0a000001";
  static final String WEB = "i-0a000002";
  static final String WEB_ENI = "eni-0a000002";
  static final String DB = "i-0a000003";
  static final String OTHER_VPC_INSTANCE = "i-0b000001";

  static final Duration RESYNC = Duration.ofSeconds(2);

  final TestCluster cluster = TestCluster.shared();
  final String ns;
  final Ec2Simulator sim;
  final KubernetesClient client;
  private KubernetesClient operatorClient;
  private PortcullisOperator operator;

  OperatorRun(String namespacePrefix) {
    this(namespacePrefix, demoSimulator());
  }

  OperatorRun(String namespacePrefix, Ec2Simulator sim) {
    this.ns = cluster.newNamespace(namespacePrefix);
    this.sim = sim;
    this.client = cluster.client();
  }

  static Ec2Simulator demoSimulator() {
    return Ec2Simulator.builder()
        .world(WorldLoader.loadResource("/worlds/demo.yaml"))
        .throttling(ThrottlingMode.OFF)
        .seed(7)
        .build();
  }

  /** Starts the operator, reaching EC2 through {@code port} (the simulator, or a wrapper). */
  OperatorRun start(Function<Ec2Simulator, CloudPort> port) {
    return start(port, cluster.newClient());
  }

  OperatorRun start(Function<Ec2Simulator, CloudPort> port, KubernetesClient kube) {
    CloudBackend plain = CloudBackend.simulator(sim);
    CloudBackend backend =
        new CloudBackend(
            plain.name(),
            port.apply(sim),
            plain.quotas(),
            plain.evaluatorForRegion(),
            plain.calls(),
            plain.retry());
    operatorClient = kube;
    operator =
        PortcullisOperator.start(
            operatorClient,
            backend,
            tune.apply(
                PortcullisOperator.Settings.defaults()
                    .withNamespaces(Set.of(ns))
                    .withResync(RESYNC)
                    .withDeleteRetry(Duration.ofSeconds(1))));
    return this;
  }

  private UnaryOperator<PortcullisOperator.Settings> tune = s -> s;

  /** Changes the operator's settings for the next start. */
  OperatorRun tuned(UnaryOperator<PortcullisOperator.Settings> tune) {
    this.tune = tune;
    return this;
  }

  OperatorRun start() {
    return start(s -> s);
  }

  /** The operator, once started. */
  PortcullisOperator operator() {
    return operator;
  }

  /** Stops the operator as a crash would leave things: nothing more is written anywhere. */
  void stop() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
    if (operatorClient != null) {
      operatorClient.close();
      operatorClient = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  <T extends HasMetadata> T apply(Class<T> type, String yaml) {
    T r = client.getKubernetesSerialization().unmarshal(yaml, type);
    return client.resources(type).inNamespace(ns).resource(r).serverSideApply();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(ns).withName(name).get();
  }

  void delete(Class<? extends HasMetadata> type, String name) {
    client.resources(type).inNamespace(ns).withName(name).delete();
  }

  void awaitGone(Class<? extends HasMetadata> type, String name) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .until(() -> get(type, name) == null);
  }

  /** Waits until the resource's condition {@code type} has {@code status} (and returns it). */
  <T extends HasMetadata> Condition awaitCondition(
      Class<T> kind, String name, String type, String status) {
    return awaitCondition(kind, name, type, status, null);
  }

  <T extends HasMetadata> Condition awaitCondition(
      Class<T> kind, String name, String type, String status, String reason) {
    Condition[] found = new Condition[1];
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .alias(kind.getSimpleName() + " " + ns + "/" + name + " " + type + "=" + status)
        .until(
            () -> {
              T r = get(kind, name);
              Condition c = r == null ? null : condition(r, type);
              found[0] = c;
              return c != null
                  && status.equals(c.getStatus())
                  && (reason == null || reason.equals(c.getReason()));
            });
    return found[0];
  }

  @SuppressWarnings("unchecked")
  static Condition condition(HasMetadata r, String type) {
    Object status;
    try {
      status = r.getClass().getMethod("getStatus").invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    if (status == null) {
      return null;
    }
    List<Condition> conditions;
    try {
      conditions = (List<Condition>) status.getClass().getMethod("getConditions").invoke(status);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** The events recorded about one resource. */
  List<Event> events(String name) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  void awaitEvent(String name, String reason) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .alias("event " + reason + " on " + ns + "/" + name)
        .until(() -> events(name).stream().anyMatch(e -> reason.equals(e.getReason())));
  }

  /** Waits until {@code count} SecurityGroups of the namespace are Ready. */
  void awaitReadyGroups(int count, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(250, MILLISECONDS)
        .alias(count + " SecurityGroups Ready in " + ns)
        .until(
            () ->
                client.resources(SecurityGroup.class).inNamespace(ns).list().getItems().stream()
                        .filter(
                            sg -> {
                              Condition c = condition(sg, "Ready");
                              return c != null && "True".equals(c.getStatus());
                            })
                        .count()
                    == count);
  }

  /**
   * Asserts that EC2 holds exactly {@code count} groups named after this namespace, each tagged for
   * a different resource: none created twice. The describe calls are retried, as they meet the same
   * injected faults as the operator's.
   */
  void assertOneGroupEach(int count) {
    await()
        .atMost(20, SECONDS)
        .pollInterval(50, MILLISECONDS)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<String> owners =
                  managedGroups().stream().map(g -> g.tags().get(OwnerTags.UID)).toList();
              assertThat(owners).hasSize(count);
              assertThat(new HashSet<>(owners)).hasSize(count);
              assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.all()))
                  .filteredOn(g -> g.groupName().contains(ns))
                  .hasSize(count);
            });
  }

  /** Every group in the region that carries this namespace's ownership tags. */
  List<SecurityGroupInfo> managedGroups() {
    return sim.describeAllSecurityGroups(EU, GroupFilter.tags(Map.of(OwnerTags.NAMESPACE, ns)));
  }

  SecurityGroupInfo group(String id) {
    return sim.describeSecurityGroups(EU, GroupFilter.ids(id), null, null).items().get(0);
  }

  String groupId(String name) {
    SecurityGroup sg = get(SecurityGroup.class, name);
    return sg == null || sg.getStatus() == null ? null : sg.getStatus().getGroupId();
  }
}
