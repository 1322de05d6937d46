package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.ForwardingCloud;
import dev.portcullis.cloud.RequestLimits;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.aws.AwsCloud;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import dev.portcullis.engine.Quotas;
import dev.portcullis.operator.CloudBackend;
import dev.portcullis.operator.OperatorCommand;
import dev.portcullis.operator.PortcullisOperator;
import dev.portcullis.operator.Shard;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Two shards of one estate on one API server and one EC2 (the simulator's EC2 endpoint, with EC2's
 * request throttling), each operator on its AWS path with half of the EC2 request budget, as two
 * Helm releases with {@code shard} and {@code rateLimitShare: 0.5} would run: each reconciles only
 * the resources labelled with its shard, a name of the other shard is refused with a condition, a
 * resource relabelled moves to the other operator without a second EC2 group, and together the two
 * stay within EC2's buckets while each waits in its own limiter.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class ShardsIT {
  private static final String EU = "eu-west-1";
  private static final String VPC = "vpc-0a000001";

  /**
   * Groups per shard: more than half of CreateSecurityGroup's bucket (24 of 50 at a share of 0.5),
   * so that each shard has to wait for tokens, and the two together more than the whole bucket.
   */
  private static final int PER_SHARD = 40;

  private static final double SHARE = 0.5;

  private final TestCluster cluster = TestCluster.shared();
  private final KubernetesClient client = cluster.client();
  private final String ns = cluster.newNamespace("shards");

  /**
   * One operator of a shard: its own AWS client (so its own EC2 call counts), meters and caches.
   */
  private final class ShardRun implements AutoCloseable {
    final String shard;
    final AwsCloud aws;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Set<String> created = ConcurrentHashMap.newKeySet();
    final KubernetesClient kube = cluster.newClient();
    final PortcullisOperator operator;

    ShardRun(String shard, Ec2Endpoint endpoint) {
      this.shard = shard;
      this.aws =
          new AwsCloud(
              endpoint.uri(),
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID" + shard, "s")),
              3);
      CloudBackend plain = CloudBackend.aws(aws, Quotas.DEFAULT);
      // the EC2 groups this shard created, to tell which operator wrote a status
      ForwardingCloud recording =
          new ForwardingCloud(plain.port()) {
            @Override
            public SecurityGroupInfo createSecurityGroup(
                String region,
                String vpcId,
                String groupName,
                String description,
                Map<String, String> tags) {
              SecurityGroupInfo g =
                  super.createSecurityGroup(region, vpcId, groupName, description, tags);
              created.add(g.groupId());
              return g;
            }
          };
      RequestLimits limits = OperatorCommand.shared(RequestLimits.defaults(), SHARE);
      operator =
          PortcullisOperator.start(
              kube,
              plain.withPort(recording),
              PortcullisOperator.Settings.defaults()
                  .withNamespaces(Set.of(ns))
                  .withResync(Duration.ofMinutes(1))
                  .withDeleteRetry(Duration.ofSeconds(1))
                  .withMeters(meters, true)
                  .withRequestLimits(limits),
              Shard.of(shard));
    }

    CallCounters calls() {
      return aws.calls();
    }

    /** SecurityGroups this operator's meters count with Ready at {@code status}. */
    double ready(String status) {
      return meters
          .find("portcullis.resource.conditions")
          .tags("kind", "SecurityGroup")
          .tags("type", "Ready")
          .tags("status", status)
          .gauges()
          .stream()
          .mapToDouble(g -> g.value())
          .sum();
    }

    /** The gauge {@code name} of {@code action} in this operator's meters. */
    double limit(String name, Ec2Action action) {
      return meters.get(name).tags("action", action.apiName()).gauge().value();
    }

    /** The longest a CreateSecurityGroup waited in this operator's limiter. */
    double longestCreateWaitSeconds() {
      Timer t =
          meters
              .find("portcullis.ec2.rate.limiter.wait")
              .tags("region", EU, "action", "CreateSecurityGroup")
              .timer();
      return t == null ? 0 : t.max(SECONDS);
    }

    @Override
    public void close() {
      operator.close();
      kube.close();
      aws.close();
    }
  }

  private <T extends HasMetadata> void apply(Class<T> type, String yaml) {
    T r = client.getKubernetesSerialization().unmarshal(yaml, type);
    client.resources(type).inNamespace(ns).resource(r).serverSideApply();
  }

  private static String group(String name, String shard, String ingress) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
        + name
        + (shard == null ? "" : ", labels: {portcullis.dev/shard: " + shard + "}")
        + "}\nspec: {region: "
        + EU
        + ", vpcId: "
        + VPC
        + ", ingress: ["
        + ingress
        + "]}\n";
  }

  /** A resource of {@code kind} in eu-west-1, labelled with {@code shard}. */
  private static String resource(String kind, String name, String shard, String spec) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: "
        + kind
        + "\nmetadata: {name: "
        + name
        + ", labels: {portcullis.dev/shard: "
        + shard
        + "}}\nspec: {region: "
        + EU
        + ", "
        + spec
        + "}\n";
  }

  private static String https(int i) {
    return "{ports: [443], from: [{cidr: 10.9." + i + ".0/24}]}";
  }

  private SecurityGroup sg(String name) {
    return client.resources(SecurityGroup.class).inNamespace(ns).withName(name).get();
  }

  private static Condition condition(List<Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static String reason(SecurityGroup sg) {
    Condition c =
        sg == null || sg.getStatus() == null
            ? null
            : condition(sg.getStatus().getConditions(), "Ready");
    return c == null ? null : c.getStatus() + "/" + c.getReason();
  }

  @Test
  void eachShardReconcilesItsHalfWithinItsShareOfEc2() throws Exception {
    Ec2Simulator sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .throttling(ThrottlingMode.EC2)
            .seed(7)
            .build();
    try (Ec2Endpoint endpoint =
        Ec2Endpoint.start(
            sim,
            new InetSocketAddress("127.0.0.1", 0),
            Ec2QueryService.Settings.open().withRegions(sim.world().regions().keySet()),
            false); ) {
      // everything is there before the operators start, so that each meets its whole half at once
      List<String> names = new ArrayList<>();
      for (String shard : List.of("a", "b")) {
        for (int i = 0; i < PER_SHARD; i++) {
          names.add(shard + "-" + i);
          apply(SecurityGroup.class, group(shard + "-" + i, shard, https(i)));
        }
      }
      // no shard's: neither operator sees it
      apply(SecurityGroup.class, group("stray", null, https(200)));
      // a rule of shard a naming a group of shard b
      apply(
          SecurityGroup.class,
          group("a-names-b", "a", "{ports: [5432], from: [{securityGroup: b-0}]}"));
      for (String[] x : new String[][] {{"a", "i-0a000002"}, {"b", "i-0a000003"}}) {
        apply(
            SecurityGroupAttachment.class,
            resource(
                "SecurityGroupAttachment",
                x[0],
                x[0],
                "securityGroups: [" + x[0] + "-1], instances: {ids: [" + x[1] + "]}"));
        apply(
            ReachabilityCheck.class,
            resource(
                "ReachabilityCheck",
                x[0],
                x[0],
                "from: {cidr: 10.9.1.7/32}, to: {instanceId: " + x[1] + "}, port: 443"));
      }
      // checks from a group of the other shard
      apply(
          ReachabilityCheck.class,
          resource(
              "ReachabilityCheck",
              "b-from-a",
              "b",
              "from: {securityGroup: a-2}, to: {instanceId: i-0a000003}, port: 443"));

      long started = System.nanoTime();
      try (ShardRun a = new ShardRun("a", endpoint);
          ShardRun b = new ShardRun("b", endpoint)) {
        converge(sim, names, started, a, b);
      }
    }
  }

  private void converge(
      Ec2Simulator sim, List<String> names, long started, ShardRun a, ShardRun b) {
    await()
        .atMost(120, SECONDS)
        .pollInterval(500, MILLISECONDS)
        .until(() -> names.stream().allMatch(n -> "True/Ready".equals(reason(sg(n)))));
    double seconds = (System.nanoTime() - started) / 1e9;

    // each status was written by the operator that created the group
    for (String n : names) {
      String id = sg(n).getStatus().getGroupId();
      ShardRun mine = n.startsWith("a-") ? a : b;
      ShardRun other = n.startsWith("a-") ? b : a;
      assertThat(mine.created).as(n).contains(id);
      assertThat(other.created).as(n).doesNotContain(id);
    }
    assertThat(a.created).hasSize(PER_SHARD);
    assertThat(b.created).hasSize(PER_SHARD);
    for (ShardRun s : List.of(a, b)) {
      assertThat(s.calls().count(Ec2Action.CREATE_SECURITY_GROUP, CallCounters.SUCCESS))
          .as("groups shard %s created", s.shard)
          .isEqualTo(PER_SHARD);
      assertThat(s.calls().count(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, CallCounters.SUCCESS))
          .as("rules shard %s authorized", s.shard)
          .isEqualTo(PER_SHARD);
    }
    // each operator's caches hold its half only
    await()
        .atMost(10, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .untilAsserted(
            () -> {
              assertThat(a.ready("True")).isEqualTo(PER_SHARD);
              assertThat(a.ready("False")).isEqualTo(1); // a-names-b
              assertThat(b.ready("True")).isEqualTo(PER_SHARD);
              assertThat(b.ready("False")).isZero();
            });

    // a name of another shard: a condition that says so, and nothing in EC2
    SecurityGroup refused = sg("a-names-b");
    assertThat(reason(refused)).isEqualTo("False/ReferenceOutsideShard");
    assertThat(condition(refused.getStatus().getConditions(), "Ready").getMessage())
        .startsWith(
            "SecurityGroup b-0 is in shard portcullis.dev/shard=b, and this operator serves"
                + " portcullis.dev/shard=a");
    assertThat(refused.getStatus().getGroupId()).isNull();
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .untilAsserted(
            () -> {
              ReachabilityCheck c =
                  client
                      .resources(ReachabilityCheck.class)
                      .inNamespace(ns)
                      .withName("b-from-a")
                      .get();
              assertThat(c.getStatus()).isNotNull();
              assertThat(condition(c.getStatus().getConditions(), "Evaluated").getReason())
                  .isEqualTo("GroupOutsideShard");
            });
    // the attachments and checks of each shard, by their operator
    for (ShardRun s : List.of(a, b)) {
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .untilAsserted(
              () -> {
                SecurityGroupAttachment att =
                    client
                        .resources(SecurityGroupAttachment.class)
                        .inNamespace(ns)
                        .withName(s.shard)
                        .get();
                assertThat(reasonOf(att.getStatus().getConditions(), "Ready"))
                    .isEqualTo("True/Attached");
                assertThat(s.created).containsAll(att.getStatus().getGroupIds());
                ReachabilityCheck c =
                    client
                        .resources(ReachabilityCheck.class)
                        .inNamespace(ns)
                        .withName(s.shard)
                        .get();
                assertThat(reasonOf(c.getStatus().getConditions(), "Evaluated"))
                    .isEqualTo("True/Evaluated");
              });
      assertThat(
              s.calls().count(Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE, CallCounters.SUCCESS))
          .as("interfaces shard %s changed", s.shard)
          .isEqualTo(1);
    }
    // the group of no shard: untouched by either
    assertThat(sg("stray").getStatus()).isNull();
    assertThat(sg("stray").getMetadata().getFinalizers()).isNullOrEmpty();

    // the EC2 budget: EC2 (the simulator's buckets) throttled none of the two operators' calls
    long throttled = 0;
    for (Ec2Action action : Ec2Action.values()) {
      throttled += sim.calls().count(action, "RequestLimitExceeded");
    }
    System.out.printf(
        "ShardsIT: %d + %d groups converged in %.1f s; longest CreateSecurityGroup wait in the"
            + " limiter: a %.2f s, b %.2f s; EC2 calls: a %d, b %d; throttled by EC2: %d%n",
        PER_SHARD,
        PER_SHARD,
        seconds,
        a.longestCreateWaitSeconds(),
        b.longestCreateWaitSeconds(),
        a.calls().total(),
        b.calls().total(),
        throttled);
    // the shares applied: each paces every action by half of EC2's bucket, as its meters say
    for (ShardRun s : List.of(a, b)) {
      for (Ec2Action action : Ec2Action.values()) {
        assertThat(s.limit("portcullis.ec2.rate.limit.requests.per.second", action))
            .as("shard %s, %s a second", s.shard, action.apiName())
            .isEqualTo(action.refillPerSecond() * SHARE);
        assertThat(s.limit("portcullis.ec2.rate.limit.burst", action))
            .as("shard %s, %s at once", s.shard, action.apiName())
            .isEqualTo(Math.floor(Math.floor(action.capacity() * 0.96) * SHARE));
      }
    }
    // together within EC2's buckets: CreateSecurityGroup 24 + 24 of 50, 2.5 + 2.5 of 5 a second
    assertThat(
            a.limit("portcullis.ec2.rate.limit.burst", Ec2Action.CREATE_SECURITY_GROUP)
                + b.limit("portcullis.ec2.rate.limit.burst", Ec2Action.CREATE_SECURITY_GROUP))
        .isLessThanOrEqualTo(Ec2Action.CREATE_SECURITY_GROUP.capacity());
    assertThat(throttled).as("calls EC2 throttled").isZero();

    // relabelled, a group moves to the other shard with its EC2 group; b applies its new rule
    long createsBefore = a.created.size() + b.created.size();
    long bAuthorized =
        b.calls().count(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, CallCounters.SUCCESS);
    long aAuthorized =
        a.calls().count(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, CallCounters.SUCCESS);
    String movedId = sg("a-0").getStatus().getGroupId();
    apply(SecurityGroup.class, group("a-0", "b", https(0) + ", " + https(100)));
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .untilAsserted(
            () -> {
              SecurityGroup moved = sg("a-0");
              assertThat(moved.getStatus().getObservedGeneration()).isEqualTo(2L);
              assertThat(moved.getStatus().getIngressRules()).isEqualTo(2);
              assertThat(moved.getStatus().getGroupId()).isEqualTo(movedId);
            });
    assertThat(b.calls().count(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, CallCounters.SUCCESS))
        .isEqualTo(bAuthorized + 1);
    assertThat(a.calls().count(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, CallCounters.SUCCESS))
        .isEqualTo(aAuthorized);
    assertThat(a.created.size() + b.created.size()).isEqualTo(createsBefore);
  }

  private static String reasonOf(List<Condition> conditions, String type) {
    Condition c = condition(conditions, type);
    return c == null ? null : c.getStatus() + "/" + c.getReason();
  }
}
