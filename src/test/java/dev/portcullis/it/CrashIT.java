package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.EU;
import static dev.portcullis.it.OperatorRun.VPC_A;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.ForwardingCloud;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Rule;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills the operator at points of a reconciliation where a real crash would hurt most, starts a new
 * one on the same EC2, and checks that it finishes the work without a second group or an orphan.
 *
 * <p>The operator runs in this JVM, so "killed" means: from the crash point on, every call it
 * makes, to EC2 or to the API server, fails, as if its process were gone; it is then stopped, and a
 * new operator with fresh caches starts. The simulator plays EC2 and outlives both, as AWS would.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class CrashIT {

  enum CrashPoint {
    /** CreateSecurityGroup succeeded; the id was never written anywhere. */
    AFTER_CREATE,
    /** The first AuthorizeSecurityGroupIngress/Egress succeeded; later steps never ran. */
    AFTER_AUTHORIZE,
    /** EC2 holds everything; the status patch that records it never reached the API server. */
    BEFORE_STATUS_PATCH,
    /** An attachment's ModifyNetworkInterfaceAttribute succeeded; its status was never written. */
    AFTER_ATTACH
  }

  static final class Crash extends RuntimeException {
    Crash(String where) {
      super("operator killed " + where);
    }
  }

  /** Makes the old operator dead from the crash point on. */
  static final class Killer {
    final CrashPoint point;
    final AtomicBoolean dead = new AtomicBoolean();
    final CountDownLatch crashed = new CountDownLatch(1);

    Killer(CrashPoint point) {
      this.point = point;
    }

    void checkAlive() {
      if (dead.get()) {
        throw new Crash("earlier");
      }
    }

    void kill(String where) {
      dead.set(true);
      crashed.countDown();
      throw new Crash(where);
    }
  }

  /** EC2 as the old operator sees it: real until the crash point, then gone. */
  static CloudPort crashing(CloudPort ec2, Killer k) {
    return new ForwardingCloud(ec2) {
      @Override
      public CloudPort delegate() {
        k.checkAlive();
        return super.delegate();
      }

      @Override
      public SecurityGroupInfo createSecurityGroup(
          String region, String vpcId, String name, String description, Map<String, String> tags) {
        SecurityGroupInfo g = super.createSecurityGroup(region, vpcId, name, description, tags);
        if (k.point == CrashPoint.AFTER_CREATE) {
          k.kill("after CreateSecurityGroup " + g.groupId());
        }
        return g;
      }

      @Override
      public List<String> authorize(
          String region, String groupId, Direction direction, List<Rule> rules) {
        List<String> ids = super.authorize(region, groupId, direction, rules);
        if (k.point == CrashPoint.AFTER_AUTHORIZE) {
          k.kill("after authorizing " + direction.word() + " rules of " + groupId);
        }
        return ids;
      }

      @Override
      public void setInterfaceGroups(String region, String interfaceId, List<String> groupIds) {
        super.setInterfaceGroups(region, interfaceId, groupIds);
        if (k.point == CrashPoint.AFTER_ATTACH) {
          k.kill("after setting the groups of " + interfaceId);
        }
      }
    };
  }

  /** The API server as the old operator sees it: reachable until the crash point. */
  static KubernetesClient crashingClient(TestCluster cluster, Killer k) {
    Interceptor interceptor =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            k.checkAlive();
            String path = request.uri().getPath();
            if (k.point == CrashPoint.BEFORE_STATUS_PATCH
                && !"GET".equals(request.method())
                && path.contains("/securitygroups/")
                && path.endsWith("/status")) {
              k.kill("before " + request.method() + " " + path);
            }
          }
        };
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(cluster.kubeconfigYaml()))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("crash", interceptor))
        .build();
  }

  static final String API =
      """
      apiVersion: ec2.portcullis.dev/v1alpha1
      kind: SecurityGroup
      metadata: {name: api}
      spec:
        region: eu-west-1
        vpcId: vpc-0a000001
        ingress:
          - ports: [https]
            from: [{cidr: 10.0.0.0/16}, {securityGroup: lb}]
        egress:
          - ports: [5432]
            to: [{cidr: 10.0.2.0/24}]
      """;

  static final String LB =
      """
      apiVersion: ec2.portcullis.dev/v1alpha1
      kind: SecurityGroup
      metadata: {name: lb}
      spec:
        region: eu-west-1
        vpcId: vpc-0a000001
        ingress:
          - ports: [https]
            from: [{cidr: 0.0.0.0/0}]
      """;

  static final String ATTACH =
      """
      apiVersion: ec2.portcullis.dev/v1alpha1
      kind: SecurityGroupAttachment
      metadata: {name: api}
      spec:
        region: eu-west-1
        securityGroups: [api]
        instances: {ids: [i-0a000003]}
      """;

  @ParameterizedTest
  @EnumSource(CrashPoint.class)
  void aRestartedOperatorFinishesWithoutDuplicatesOrOrphans(CrashPoint point) throws Exception {
    Killer killer = new Killer(point);
    try (OperatorRun run = new OperatorRun("crash-" + point.name())) {
      run.start(ec2 -> crashing(ec2, killer), crashingClient(run.cluster, killer));
      run.apply(SecurityGroup.class, API);
      run.apply(SecurityGroup.class, LB);
      run.apply(SecurityGroupAttachment.class, ATTACH);
      assertThat(killer.crashed.await(30, SECONDS))
          .as("the crash point %s was reached", point)
          .isTrue();
      run.stop();

      run.start();
      run.awaitCondition(SecurityGroup.class, "api", "Ready", "True");
      run.awaitCondition(SecurityGroup.class, "lb", "Ready", "True");
      run.awaitCondition(SecurityGroupAttachment.class, "api", "Ready", "True");

      // One group per resource, found by its tags; none without them (an orphan).
      List<SecurityGroupInfo> mine = run.managedGroups();
      assertThat(mine).hasSize(2);
      for (String name : List.of("api", "lb")) {
        SecurityGroup sg = run.get(SecurityGroup.class, name);
        assertThat(mine)
            .filteredOn(g -> sg.getMetadata().getUid().equals(g.tags().get(OwnerTags.UID)))
            .extracting(SecurityGroupInfo::groupId)
            .containsExactly(sg.getStatus().getGroupId());
      }
      assertThat(
              run
                  .sim
                  .describeAllSecurityGroups(EU, new GroupFilter(null, null, VPC_A, null))
                  .stream()
                  .filter(g -> g.groupName().contains(run.ns)))
          .hasSize(2);
      String api = run.groupId("api");
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .untilAsserted(
              () ->
                  assertThat(SecurityGroupIT.rules(run.group(api)))
                      .containsExactly(
                          "egress tcp port 5432 to 10.0.2.0/24",
                          "ingress tcp port 443 from 10.0.0.0/16",
                          "ingress tcp port 443 from " + run.groupId("lb")));
      assertThat(AttachmentIT.groupsOf(run, OperatorRun.DB)).containsExactly(api);
    }
  }
}
