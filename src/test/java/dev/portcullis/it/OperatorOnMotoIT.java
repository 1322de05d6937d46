package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.ReachabilityVerdict;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.aws.AwsCloud;
import dev.portcullis.cloud.aws.MotoServer;
import dev.portcullis.engine.Quotas;
import dev.portcullis.operator.CloudBackend;
import dev.portcullis.operator.PortcullisOperator;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;

/**
 * The operator on AWS: the real API server, and moto's EC2 on 127.0.0.1 reached through {@link
 * AwsCloud} as in production ({@code --cloud aws --aws-endpoint}). The fixture (a VPC, a subnet,
 * two tagged instances) is made with the SDK, and what the operator did is read back with it.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class OperatorOnMotoIT {
  private static final String REGION = "eu-west-1";
  private static final Duration RESYNC = Duration.ofSeconds(2);

  private static MotoServer moto;
  private static Ec2Client ec2;
  private static String vpc;
  private static String web;
  private static String db;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    ec2 = moto.ec2(REGION);
    MotoServer.Network net = MotoServer.network(ec2, "web", "db");
    vpc = net.vpcId();
    web = net.instanceIds().get(0);
    db = net.instanceIds().get(1);
  }

  @AfterAll
  static void stopMoto() {
    if (ec2 != null) {
      ec2.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private final TestCluster cluster = TestCluster.shared();
  private final KubernetesClient client = cluster.client();

  @Test
  void groupsAttachmentsAndChecksConvergeOnMotoAndDeletingLeavesNothingBehind() {
    String ns = cluster.newNamespace("moto");
    AwsCloud cloud = moto.cloud();
    KubernetesClient operatorClient = cluster.newClient();
    PortcullisOperator operator =
        PortcullisOperator.start(
            operatorClient,
            CloudBackend.aws(cloud, Quotas.DEFAULT),
            PortcullisOperator.Settings.defaults()
                .withNamespaces(Set.of(ns))
                .withResync(RESYNC)
                .withDeleteRetry(Duration.ofSeconds(1)));
    try {
      apply(
          ns,
          SecurityGroup.class,
          group(
              "web",
              "  ingress:\n    - ports: [https]\n"
                  + "      from: [{cidr: 0.0.0.0/0}, {cidr: \"::/0\"}]\n"));
      apply(
          ns,
          SecurityGroup.class,
          group(
              "db",
              "  ingress:\n    - ports: [5432]\n"
                  + "      from: [{securityGroup: web}, {cidr: 10.0.1.0/24}]\n"));
      awaitReady(ns, SecurityGroup.class, "web");
      awaitReady(ns, SecurityGroup.class, "db");
      String webId = groupId(ns, "web");
      String dbId = groupId(ns, "db");

      // What EC2 (moto) holds, read with the SDK rather than through the operator's adapter.
      assertThat(ingress(webId)).containsExactlyInAnyOrder("tcp 443 0.0.0.0/0", "tcp 443 ::/0");
      assertThat(ingress(dbId))
          .containsExactlyInAnyOrder("tcp 5432 10.0.1.0/24", "tcp 5432 " + webId);
      assertThat(tagsOf(webId)).containsEntry(OwnerTags.NAMESPACE, ns);
      // Every request the adapter sent is counted: one group created per resource, no more.
      assertThat(cloud.calls().count("CreateSecurityGroup", CallCounters.SUCCESS)).isEqualTo(2);
      assertThat(cloud.calls().total("CreateSecurityGroup")).isEqualTo(2);

      // The db group on the db instance's interface, next to the VPC default group moto put
      // there (groups of others are kept).
      apply(
          ns,
          SecurityGroupAttachment.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
              + "metadata: {name: db}\nspec:\n  region: eu-west-1\n  securityGroups: [db]\n"
              + "  instances: {selector: {tags: {role: db}}}\n");
      awaitReady(ns, SecurityGroupAttachment.class, "db");
      assertThat(interfaceGroups(db)).contains(dbId);
      assertThat(interfaceGroups(web)).doesNotContain(dbId);

      // Verdicts from groups described on moto: EC2 cannot say what listens, so an allowed flow
      // is Reachable and its explanation says that whether something answers is not known.
      apply(ns, ReachabilityCheck.class, check("psql", "{cidr: 10.0.1.10/32}", 5432));
      apply(ns, ReachabilityCheck.class, check("ssh", "{cidr: 10.0.1.10/32}", 22));
      ReachabilityCheck psql = awaitVerdict(ns, "psql");
      assertThat(psql.getStatus().getVerdict()).isEqualTo(ReachabilityVerdict.REACHABLE);
      assertThat(psql.getStatus().getDecidingRule().getGroupId()).isEqualTo(dbId);
      assertThat(psql.getStatus().getExplanation()).contains("not known");
      assertThat(awaitVerdict(ns, "ssh").getStatus().getVerdict())
          .isEqualTo(ReachabilityVerdict.TIMED_OUT);

      // Drift: a rule added behind the operator's back is revoked at the next resync.
      ec2.authorizeSecurityGroupIngress(
          r ->
              r.groupId(webId)
                  .ipPermissions(
                      IpPermission.builder()
                          .ipProtocol("tcp")
                          .fromPort(3389)
                          .toPort(3389)
                          .ipRanges(IpRange.builder().cidrIp("198.51.100.0/24").build())
                          .build()));
      assertThat(ingress(webId)).contains("tcp 3389 198.51.100.0/24");
      await()
          .atMost(30, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .alias("the out-of-band rule on " + webId + " revoked")
          .until(() -> !ingress(webId).contains("tcp 3389 198.51.100.0/24"));
      assertThat(ingress(webId)).containsExactlyInAnyOrder("tcp 443 0.0.0.0/0", "tcp 443 ::/0");

      // Deleting everything: the attachment first lets go of the interface, then the groups.
      delete(ns, ReachabilityCheck.class, "psql");
      delete(ns, ReachabilityCheck.class, "ssh");
      delete(ns, SecurityGroupAttachment.class, "db");
      awaitGone(ns, SecurityGroupAttachment.class, "db");
      assertThat(interfaceGroups(db)).doesNotContain(dbId);
      delete(ns, SecurityGroup.class, "db");
      delete(ns, SecurityGroup.class, "web");
      awaitGone(ns, SecurityGroup.class, "db");
      awaitGone(ns, SecurityGroup.class, "web");
      await()
          .atMost(30, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .alias("no group tagged with namespace " + ns + " left in moto")
          .until(
              () ->
                  cloud
                      .describeAllSecurityGroups(
                          REGION, GroupFilter.tags(Map.of(OwnerTags.NAMESPACE, ns)))
                      .isEmpty());
      assertThat(cloud.calls().count("DeleteSecurityGroup", CallCounters.SUCCESS)).isEqualTo(2);
    } finally {
      operator.close();
      operatorClient.close();
      cloud.close();
    }
  }

  private String group(String name, String rules) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  vpcId: "
        + vpc
        + "\n"
        + rules;
  }

  private String check(String name, String from, int port) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  from: "
        + from
        + "\n  to: {instanceId: "
        + db
        + "}\n  protocol: tcp\n  port: "
        + port
        + "\n";
  }

  /** A group's ingress rules as "protocol port peer", one per peer. */
  private static List<String> ingress(String groupId) {
    return ec2
        .describeSecurityGroups(r -> r.groupIds(groupId))
        .securityGroups()
        .get(0)
        .ipPermissions()
        .stream()
        .flatMap(
            p -> {
              String head = p.ipProtocol() + " " + p.fromPort() + " ";
              return Stream.of(
                      p.ipRanges().stream().map(x -> head + x.cidrIp()),
                      p.ipv6Ranges().stream().map(x -> head + x.cidrIpv6()),
                      p.userIdGroupPairs().stream().map(x -> head + x.groupId()))
                  .flatMap(s -> s);
            })
        .toList();
  }

  private static Map<String, String> tagsOf(String groupId) {
    Map<String, String> out = new HashMap<>();
    ec2.describeSecurityGroups(r -> r.groupIds(groupId))
        .securityGroups()
        .get(0)
        .tags()
        .forEach(t -> out.put(t.key(), t.value()));
    return out;
  }

  private static List<String> interfaceGroups(String instanceId) {
    return ec2
        .describeInstances(r -> r.instanceIds(instanceId))
        .reservations()
        .get(0)
        .instances()
        .get(0)
        .networkInterfaces()
        .get(0)
        .groups()
        .stream()
        .map(g -> g.groupId())
        .toList();
  }

  private <T extends HasMetadata> void apply(String ns, Class<T> type, String yaml) {
    T r = client.getKubernetesSerialization().unmarshal(yaml, type);
    client.resources(type).inNamespace(ns).resource(r).serverSideApply();
  }

  private <T extends HasMetadata> T get(String ns, Class<T> type, String name) {
    return client.resources(type).inNamespace(ns).withName(name).get();
  }

  private void delete(String ns, Class<? extends HasMetadata> type, String name) {
    client.resources(type).inNamespace(ns).withName(name).delete();
  }

  private void awaitGone(String ns, Class<? extends HasMetadata> type, String name) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .alias(type.getSimpleName() + " " + ns + "/" + name + " gone")
        .until(() -> get(ns, type, name) == null);
  }

  private <T extends HasMetadata> void awaitReady(String ns, Class<T> type, String name) {
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .alias(type.getSimpleName() + " " + ns + "/" + name + " Ready")
        .until(
            () -> {
              T r = get(ns, type, name);
              var c = r == null ? null : OperatorRun.condition(r, "Ready");
              return c != null && "True".equals(c.getStatus());
            });
  }

  private String groupId(String ns, String name) {
    return get(ns, SecurityGroup.class, name).getStatus().getGroupId();
  }

  private ReachabilityCheck awaitVerdict(String ns, String name) {
    ReachabilityCheck[] found = new ReachabilityCheck[1];
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .alias("ReachabilityCheck " + ns + "/" + name + " has a verdict")
        .until(
            () -> {
              found[0] = get(ns, ReachabilityCheck.class, name);
              return found[0] != null
                  && found[0].getStatus() != null
                  && found[0].getStatus().getVerdict() != null;
            });
    return found[0];
  }
}
