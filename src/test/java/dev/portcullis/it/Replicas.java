package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operator replicas as a Deployment runs them: {@code portcullis operator --leader-election} in
 * processes of their own (the test classpath's JVM), on one API server (the test cluster) and one
 * EC2, the simulator's EC2 endpoint in this JVM, which their AWS adapters reach with {@code --cloud
 * aws --aws-endpoint}. Each replica signs with an access key of its own (its name), so the endpoint
 * counts the EC2 requests of each. Used by {@code FailoverIT} and the failover benchmark.
 */
public final class Replicas implements AutoCloseable {
  public static final String REGION = "eu-west-1";
  public static final String VPC = "vpc-0a000001";
  public static final String LEASE = "portcullis";

  /** JOSDK's lease duration, renewal deadline and retry period (its defaults, the chart's). */
  public static final Duration LEASE_DURATION = Duration.ofSeconds(15);

  public static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  /** The Lease's retry period with Fabric8's jitter at its largest (a factor of 1.2 more). */
  public static final Duration RETRY_AT_MOST = Duration.ofMillis(2_000 + 2_400);

  private final TestCluster cluster = TestCluster.shared();
  private final KubernetesClient client = cluster.client();
  private final Path home;
  private final Path kubeconfig;
  private final List<Replica> started = new ArrayList<>();

  /** The namespace the replicas watch, and the one that holds their Lease. */
  public final String ns;

  public final String leaseNs;
  public final Ec2Simulator sim;
  public final Ec2Endpoint endpoint;

  /** EC2 with its request buckets (throttling on), so that 200 groups take tens of seconds. */
  public Replicas(String prefix, Path home) throws IOException {
    this.home = home;
    this.ns = cluster.newNamespace(prefix);
    this.leaseNs = cluster.newNamespace(prefix + "-lease");
    this.kubeconfig = home.resolve("kubeconfig");
    Files.writeString(kubeconfig, cluster.kubeconfigYaml());
    this.sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .throttling(ThrottlingMode.EC2)
            .seed(11)
            .build();
    this.endpoint =
        Ec2Endpoint.start(
            sim,
            new InetSocketAddress("127.0.0.1", 0),
            Ec2QueryService.Settings.open().withRegions(sim.world().regions().keySet()),
            false);
  }

  /** One operator process; its name is its access key and the start of its Lease identity. */
  public final class Replica {
    public final String name;
    public final Process process;
    private final OperatorProcess operator;

    private Replica(String name) throws IOException {
      this.name = name;
      this.operator =
          OperatorProcess.start(
              kubeconfig,
              home,
              name,
              ns,
              endpoint.uri(),
              List.of(
                  "-Xmx384m",
                  "-Dorg.slf4j.simpleLogger.log.dev.portcullis.operator.Leadership=info"),
              Map.of(
                  "HOSTNAME",
                  name,
                  "AWS_ACCESS_KEY_ID",
                  name,
                  "AWS_SECRET_ACCESS_KEY",
                  "secret-of-" + name,
                  "AWS_REGION",
                  REGION),
              List.of(
                  "--resync",
                  "PT1M",
                  // every second, so that a replica standing by that scanned would show
                  "--drift-scan-interval",
                  "PT1S",
                  "--leader-election",
                  "--leader-election-lease",
                  LEASE,
                  "--leader-election-namespace",
                  leaseNs));
      this.process = operator.process();
    }

    /** EC2 requests this replica has made so far, as the endpoint counted them. */
    public long ec2Requests() {
      return endpoint.service().requestsByAccessKey().getOrDefault(name, 0L);
    }

    /** Whether the Lease names this replica as its holder. */
    public boolean holdsLease() {
      String holder = holder();
      return holder != null && holder.startsWith(name + "_");
    }

    /** Whether the operator said it has started (its informers synced, standing by or leading). */
    public boolean started() {
      return log().contains("portcullis operator: watching");
    }

    /** What the operator printed so far. */
    public String log() {
      return operator.output();
    }

    /** SIGKILL: the process ends at once, its Lease held until it expires. */
    public void kill() {
      process.destroyForcibly();
    }

    /** SIGTERM: the operator shuts down as a pod deleted in a rolling update does. */
    public void terminate() {
      process.destroy();
    }
  }

  /** Starts a replica and waits until it has started (informers synced). */
  public Replica start(String name) throws IOException {
    Replica r = new Replica(name);
    started.add(r);
    await()
        .alias(name + " started")
        .atMost(90, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .until(
            () -> {
              if (!r.process.isAlive()) {
                throw new AssertionError(name + " ended:\n" + r.log());
              }
              return r.started();
            });
    return r;
  }

  /** The Lease's holder, or null when there is no Lease or nobody holds it. */
  public String holder() {
    Lease lease = client.resources(Lease.class).inNamespace(leaseNs).withName(LEASE).get();
    if (lease == null || lease.getSpec() == null) {
      return null;
    }
    String h = lease.getSpec().getHolderIdentity();
    return h == null || h.isEmpty() ? null : h;
  }

  /** Applies the SecurityGroups {@code 0..n-1} of {@link #group}. */
  public void applyGroups(int n) {
    applyGroups(0, n);
  }

  /** Applies the SecurityGroups {@code from..to-1} of {@link #group}. */
  public void applyGroups(int from, int to) {
    for (int i = from; i < to; i++) {
      client
          .resources(SecurityGroup.class)
          .inNamespace(ns)
          .resource(client.getKubernetesSerialization().unmarshal(group(i), SecurityGroup.class))
          .serverSideApply();
    }
  }

  static String name(int i) {
    return String.format("g-%03d", i);
  }

  /**
   * Group {@code i}: https from a /24 of its own; one in four (not the first) also takes a port of
   * its own from the group before it, by reference; one in five lists egress (replacing EC2's
   * default egress rule).
   */
  static String group(int i) {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n");
    y.append("metadata: {name: ").append(name(i)).append("}\n");
    y.append("spec:\n  region: ").append(REGION).append("\n  vpcId: ").append(VPC).append('\n');
    y.append("  ingress:\n    - ports: [https]\n      from: [{cidr: ");
    y.append(cidr(i)).append("}]\n");
    if (references(i)) {
      y.append("    - ports: [\"").append(8000 + i).append("\"]\n      from: [{securityGroup: ");
      y.append(name(i - 1)).append("}]\n");
    }
    if (i % 5 == 0) {
      y.append("  egress:\n    - ports: [5432]\n      to: [{cidr: 10.0.2.0/24}]\n");
    }
    return y.toString();
  }

  private static boolean references(int i) {
    return i % 4 == 1;
  }

  private static String cidr(int i) {
    return "10." + (100 + i / 250) + "." + (i % 250) + ".0/24";
  }

  /** The rules EC2 must hold for group {@code i}, as {@code SecurityGroupIT.rules} shows them. */
  static List<String> expectedRules(int i, Map<String, String> groupIds) {
    List<String> rules = new ArrayList<>();
    rules.add("ingress tcp port 443 from " + cidr(i));
    if (references(i)) {
      rules.add("ingress tcp port " + (8000 + i) + " from " + groupIds.get(name(i - 1)));
    }
    rules.add(
        i % 5 == 0 ? "egress tcp port 5432 to 10.0.2.0/24" : "egress all traffic to 0.0.0.0/0");
    return rules.stream().sorted().toList();
  }

  /** The SecurityGroups of the namespace that are Ready. */
  public long readyGroups() {
    return client.resources(SecurityGroup.class).inNamespace(ns).list().getItems().stream()
        .filter(
            sg -> {
              Condition c = OperatorRun.condition(sg, "Ready");
              return c != null && "True".equals(c.getStatus());
            })
        .count();
  }

  /** The groups EC2 holds for the namespace's SecurityGroups (by their ownership tags). */
  public List<SecurityGroupInfo> managedGroups() {
    return sim.describeAllSecurityGroups(REGION, GroupFilter.tags(Map.of(OwnerTags.NAMESPACE, ns)));
  }

  /** The EC2 requests each replica made, by name. */
  public Map<String, Long> requestsByReplica() {
    Map<String, Long> out = new TreeMap<>();
    started.forEach(r -> out.put(r.name, r.ec2Requests()));
    return out;
  }

  /** What each replica logged, for a failure's message. */
  public String logs() {
    StringBuilder b = new StringBuilder();
    for (Replica r : started) {
      String text = r.log();
      b.append("---- ").append(r.name).append(" (last 4000 characters)\n");
      b.append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
    }
    return b.toString();
  }

  @Override
  public void close() {
    started.forEach(r -> r.operator.close());
    endpoint.close();
  }
}
