package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart {@code helm/portcullis}: it lints clean, renders what each set of values asks for,
 * refuses bad values naming the key, and installs, upgrades and uninstalls on the real API server
 * (no kubelet runs there, so the objects are checked, not the pods).
 */
@ExtendWith(DiagnosticsOnFailure.class)
class ChartIT {
  private final TestCluster cluster = TestCluster.shared();
  private final KubernetesClient client = cluster.client();
  private final Helm helm = Helm.forCluster(cluster);

  @Test
  void lintsCleanWithItsDefaultsAndOtherValues() {
    helm.run("lint", Helm.CHART.toString(), "--strict").ok();
    helm.run(
            "lint",
            Helm.CHART.toString(),
            "--strict",
            "--set",
            "cloud=aws,replicas=2,leaderElection.enabled=true,watchNamespaces={a,b}",
            "--set",
            "networkPolicy.enabled=true,networkPolicy.apiServer.cidrs={10.0.0.1/32}")
        .ok();
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    assertThat(found).as("one %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  static Map<String, String> env(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).sorted().toList();
  }

  /** Every verb and resource of the rules, none of them a wildcard. */
  static void assertNoWildcard(List<PolicyRule> rules) {
    for (PolicyRule r : rules) {
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getApiGroups()).doesNotContain("*");
      assertThat(r.getNonResourceURLs()).isNullOrEmpty();
    }
  }

  @Test
  void rendersTwoReplicasWithLeaderElectionOnTheSimulatorsOwnDeploymentByDefault()
      throws Exception {
    List<HasMetadata> objects = helm.template(client, "ops");
    assertThat(kinds(objects))
        .containsExactly(
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "Deployment",
            "PodDisruptionBudget",
            "Role",
            "RoleBinding",
            "Service",
            "Service",
            "ServiceAccount");
    Deployment d = deployment(objects, "portcullis");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("portcullis");
    assertRestricted(pod);
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("portcullis:0.1.0-SNAPSHOT");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getResources().getLimits()).containsKey("memory");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(pod.getTopologySpreadConstraints())
        .extracting(t -> t.getTopologyKey())
        .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    // Both replicas on their AWS path to the one simulator: one EC2.
    assertThat(env(d))
        .containsEntry("PORTCULLIS_CLOUD", "aws")
        .containsEntry("PORTCULLIS_AWS_ENDPOINT", "http://portcullis-simulator.ops.svc:8773")
        .containsEntry("AWS_ACCESS_KEY_ID", "simulator")
        .containsEntry("PORTCULLIS_LEADER_ELECTION", "true")
        .containsEntry("PORTCULLIS_LEADER_ELECTION_LEASE", "portcullis")
        .doesNotContainKey("PORTCULLIS_WORLD")
        .doesNotContainKey("PORTCULLIS_NAMESPACES");
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("tmp");

    Deployment sim = deployment(objects, "portcullis-simulator");
    assertThat(sim.getSpec().getReplicas()).as("one EC2").isEqualTo(1);
    assertThat(sim.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(sim.getSpec().getSelector().getMatchLabels())
        .as("no selector of the operator's matches the simulator's pods")
        .containsEntry("app.kubernetes.io/name", "portcullis-simulator");
    PodSpec simPod = sim.getSpec().getTemplate().getSpec();
    assertRestricted(simPod);
    assertThat(simPod.getAutomountServiceAccountToken()).isFalse();
    Container s = simPod.getContainers().get(0);
    assertThat(s.getCommand()).as("the image's entrypoint, with its JVM flags").isEmpty();
    assertThat(s.getArgs())
        .startsWith("simulator")
        .containsSubsequence("--world", "/etc/portcullis/world/world.yaml")
        .containsSubsequence("--listen", "0.0.0.0:8773", "--allow-non-loopback")
        .containsSubsequence("--throttling", "on");
    assertThat(s.getReadinessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("ec2");
    assertThat(sim.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("checksum/world");
    Service service =
        all(objects, Service.class).stream()
            .filter(x -> x.getMetadata().getName().equals("portcullis-simulator"))
            .findFirst()
            .orElseThrow();
    assertThat(service.getSpec().getSelector())
        .isEqualTo(sim.getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(8773));

    // the default world is the first example's, byte for byte
    ConfigMap world = one(objects, ConfigMap.class);
    assertThat(world.getData().get("world.yaml") + "\n")
        .isEqualTo(Files.readString(Path.of("examples/01-ssh-from-my-computer/world.yaml")));
    ClusterRole role = one(objects, ClusterRole.class);
    assertNoWildcard(role.getRules());
    assertThat(one(objects, Role.class).getMetadata().getName())
        .isEqualTo("portcullis-leader-election");
  }

  @Test
  void rendersTheSimulatorInTheOperatorsProcessForOneReplica() {
    List<HasMetadata> objects =
        helm.template(
            client,
            "ops",
            "--set",
            "simulator.inProcess=true,replicas=1,leaderElection.enabled=false");
    assertThat(kinds(objects))
        .containsExactly(
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "PodDisruptionBudget",
            "Service",
            "ServiceAccount");
    Deployment d = one(objects, Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(env(d))
        .containsEntry("PORTCULLIS_CLOUD", "simulator")
        .containsEntry("PORTCULLIS_WORLD", "/etc/portcullis/world/world.yaml")
        .containsEntry("PORTCULLIS_LEADER_ELECTION", "false")
        .doesNotContainKey("PORTCULLIS_AWS_ENDPOINT");
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("checksum/world");
    assertThat(all(objects, Role.class)).as("no leader-election Role without it").isEmpty();
  }

  static Deployment deployment(List<HasMetadata> objects, String name) {
    return all(objects, Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  /** The restricted Pod Security profile, for the pod and its first container. */
  static void assertRestricted(PodSpec pod) {
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void rendersAwsWithIrsaRolesPerNamespaceLeaderElectionAndNetworkPolicy() {
    String arn = "arn:aws:iam::123456789012:role/portcullis";
    List<HasMetadata> objects =
        helm.template(
            client,
            "ops",
            "--set",
            "cloud=aws,replicas=2,leaderElection.enabled=true,watchNamespaces={team-a,team-b}",
            "--set",
            "aws.endpoint=https://ec2.eu-west-1.amazonaws.com,aws.region=eu-west-1",
            "--set",
            "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=" + arn,
            "--set",
            "networkPolicy.enabled=true,networkPolicy.apiServer.cidrs={10.96.0.1/32}",
            "--set",
            "metrics.serviceMonitor.enabled=true,image.digest=sha256:" + "a".repeat(64));
    assertThat(all(objects, ClusterRole.class)).isEmpty();
    List<Role> roles = all(objects, Role.class);
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "team-a/portcullis", "team-b/portcullis", "ops/portcullis-leader-election");
    roles.forEach(r -> assertNoWildcard(r.getRules()));
    Role lease =
        roles.stream()
            .filter(r -> r.getMetadata().getName().endsWith("leader-election"))
            .findFirst()
            .orElseThrow();
    assertThat(lease.getRules())
        .singleElement()
        .satisfies(r -> assertThat(r.getResources()).containsExactly("leases"));
    assertThat(
            one(objects, io.fabric8.kubernetes.api.model.ServiceAccount.class)
                .getMetadata()
                .getAnnotations())
        .containsEntry("eks.amazonaws.com/role-arn", arn);
    Deployment d = one(objects, Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("portcullis@sha256:" + "a".repeat(64));
    assertThat(env(d))
        .containsEntry("PORTCULLIS_CLOUD", "aws")
        .containsEntry("PORTCULLIS_AWS_ENDPOINT", "https://ec2.eu-west-1.amazonaws.com")
        .containsEntry("AWS_REGION", "eu-west-1")
        .containsEntry("PORTCULLIS_NAMESPACES", "team-a,team-b")
        .containsEntry("PORTCULLIS_LEADER_ELECTION", "true")
        .containsEntry("PORTCULLIS_LEADER_ELECTION_LEASE", "portcullis")
        .doesNotContainKey("PORTCULLIS_WORLD");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().equals("PORTCULLIS_LEADER_ELECTION_NAMESPACE"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("metadata.namespace"));
    assertThat(all(objects, ConfigMap.class)).as("no world without the simulator").isEmpty();
    NetworkPolicy np = one(objects, NetworkPolicy.class);
    assertThat(np.getSpec().getEgress())
        .flatExtracting(e -> e.getTo() == null ? List.of() : e.getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("10.96.0.1/32", "0.0.0.0/0");
    assertThat(np.getSpec().getIngress()).singleElement();
    assertThat(kinds(objects)).contains("ServiceMonitor");
  }

  @Test
  void flowLogsGetTheirSettingsAndTheirCheckpointsConfigMapOnly() {
    List<HasMetadata> without = helm.template(client, "ops", "--set", "cloud=aws");
    assertThat(all(without, Role.class))
        .as("no ConfigMap rule without flow logs")
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("portcullis-leader-election");
    List<HasMetadata> objects =
        helm.template(
            client,
            "ops",
            "--set",
            "cloud=aws,flowLogs.logGroup=/vpc/flows,flowLogs.region=eu-west-1",
            "--set",
            "flowLogs.format=${version} ${interface-id}",
            "--set",
            "flowLogs.endpoint=https://logs.eu-west-1.example:443");
    assertThat(env(one(objects, Deployment.class)))
        .containsEntry("PORTCULLIS_FLOW_LOG_GROUP", "/vpc/flows")
        .containsEntry("PORTCULLIS_FLOW_LOG_ENDPOINT", "https://logs.eu-west-1.example:443")
        .containsEntry("PORTCULLIS_FLOW_LOG_REGION", "eu-west-1")
        .containsEntry("PORTCULLIS_FLOW_LOG_FORMAT", "${version} ${interface-id}")
        .containsEntry("PORTCULLIS_FLOW_LOG_CHECKPOINT", "portcullis-flow-logs");
    Role role =
        all(objects, Role.class).stream()
            .filter(r -> r.getMetadata().getName().equals("portcullis-flow-logs"))
            .findFirst()
            .orElseThrow();
    assertThat(role.getMetadata().getNamespace()).isEqualTo("ops");
    assertNoWildcard(role.getRules());
    assertThat(role.getRules())
        .extracting(r -> r.getResources() + " " + r.getResourceNames() + " " + r.getVerbs())
        .containsExactly(
            "[configmaps] [portcullis-flow-logs] [get, update]", "[configmaps] [] [create]");
    assertThat(all(objects, io.fabric8.kubernetes.api.model.rbac.RoleBinding.class))
        .extracting(b -> b.getRoleRef().getName())
        .contains("portcullis-flow-logs");
  }

  /**
   * The operator's Deployment of release {@code release} in namespace ops, rendered with {@code
   * args} (with the simulator in a Deployment of its own, there are two).
   */
  private Deployment deployment(String release, String... args) {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("template", release, Helm.CHART.toString(), "--namespace", "ops"));
    cmd.addAll(List.of(args));
    String yaml = helm.run(cmd.toArray(String[]::new)).ok().out();
    return one(
        client
            .load(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .items()
            .stream()
            .filter(
                o ->
                    o.getMetadata().getLabels() != null
                        && "operator"
                            .equals(o.getMetadata().getLabels().get("app.kubernetes.io/component")))
            .toList(),
        Deployment.class);
  }

  @Test
  void eachShardIsAReleaseWithItsOwnLeaseAndShareOfEc2() {
    for (String shard : List.of("a", "b")) {
      Deployment d =
          deployment(
              "shard-" + shard,
              "--set",
              "cloud=aws,replicas=2,leaderElection.enabled=true,shard=" + shard,
              "--set",
              "rateLimitShare=0.5");
      assertThat(env(d))
          .containsEntry("PORTCULLIS_SHARD", shard)
          .containsEntry("PORTCULLIS_RATE_LIMIT_SHARE", "0.5")
          .as("a lease per release")
          .containsEntry("PORTCULLIS_LEADER_ELECTION_LEASE", "shard-" + shard + "-portcullis");
    }
    assertThat(env(deployment("ops")))
        .containsEntry("PORTCULLIS_RATE_LIMIT_SHARE", "1")
        .doesNotContainKey("PORTCULLIS_SHARD");
    Deployment named =
        deployment(
            "ops",
            "-f",
            write("rateLimitShare: 0.25\nleaderElection: {enabled: true, leaseName: mine}\n"));
    assertThat(env(named))
        .containsEntry("PORTCULLIS_RATE_LIMIT_SHARE", "0.25")
        .containsEntry("PORTCULLIS_LEADER_ELECTION_LEASE", "mine");
  }

  private static String write(String values) {
    try {
      Path file = Files.createTempFile("values", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, values);
      return file.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void monitoringSwitchesRenderOnlyWhatTheChartHolds() {
    List<HasMetadata> objects =
        helm.template(
            client,
            "ops",
            "--set",
            "metrics.prometheusRule.enabled=true,metrics.grafanaDashboards.enabled=true");
    long alertFiles = files("files/alerts", ".yaml");
    long dashboards = files("files/dashboards", ".json");
    assertThat(kinds(objects).stream().filter("PrometheusRule"::equals).count())
        .isEqualTo(alertFiles == 0 ? 0 : 1);
    assertThat(all(objects, ConfigMap.class))
        .as("the world and one ConfigMap per dashboard")
        .hasSize(1 + (int) dashboards);
  }

  private static long files(String dir, String suffix) {
    Path path = Helm.CHART.resolve(dir);
    if (!Files.isDirectory(path)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(path)) {
      return s.filter(p -> p.toString().endsWith(suffix)).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void refusesBadValuesNamingTheKey() {
    Map<String, String> bad =
        Map.ofEntries(
            Map.entry("replicas=two", "replicas"),
            Map.entry("simulator.inProcess=true", "replicas: must be 1 with simulator.inProcess"),
            Map.entry("leaderElection.enabled=false", "leaderElection.enabled"),
            Map.entry("cloud=aws,leaderElection.enabled=false", "leaderElection.enabled"),
            Map.entry("simulator.port=0", "simulator/port"),
            Map.entry("simulator.inprocess=true", "inprocess"),
            Map.entry("cloud=azure", "cloud"),
            Map.entry("colud=aws", "colud"),
            Map.entry("metrics.port=70000", "metrics/port"),
            Map.entry("metrics.prot=9090", "prot"),
            Map.entry("resync=soon", "resync"),
            Map.entry("rateLimit=fast", "rateLimit"),
            Map.entry("threads=0", "threads"),
            Map.entry("watchNamespaces={Team_A}", "watchNamespaces"),
            Map.entry("image.pullPolicy=Sometimes", "pullPolicy"),
            Map.entry("aws.quotas.groupsPerInterface=17", "groupsPerInterface"),
            Map.entry("leaderElection.enabled=yes", "leaderElection"),
            Map.entry("shard=a b", "shard"),
            Map.entry("shard=a", "shard: needs cloud=aws"),
            Map.entry("rateLimitShare=0", "rateLimitShare"),
            Map.entry("rateLimitShare=1.5", "rateLimitShare"),
            Map.entry("rateLimit=off,rateLimitShare=0.5", "rateLimitShare: needs rateLimit on"),
            Map.entry("leaderElection.leaseName=Not_A_Name", "leaseName"),
            Map.entry("networkPolicy.enabled=true", "networkPolicy.apiServer.cidrs"),
            Map.entry(
                "flowLogs.logGroup=/vpc/flows,flowLogs.region=eu-west-1",
                "flowLogs.logGroup: needs cloud=aws"),
            Map.entry("cloud=aws,flowLogs.logGroup=/vpc/flows", "flowLogs.region: required"),
            Map.entry("flowLogs.logGroup=a b", "logGroup"),
            Map.entry("flowLogs.region=Ireland", "region"),
            Map.entry("flowLogs.endpoint=ftp://logs", "endpoint"));
    bad.forEach(
        (set, key) -> {
          Helm.Result r = helm.run("template", "portcullis", Helm.CHART.toString(), "--set", set);
          assertThat(r.exit()).as("--set %s is refused", set).isNotZero();
          assertThat(r.err()).as("--set %s", set).contains(key);
        });
  }

  @Test
  void installsUpgradesAndUninstallsLeavingCrdsAndCustomResources() {
    String ns = cluster.newNamespace("chart");
    String release = ns; // ClusterRoles are named after the release: one per test namespace
    String name = release + "-portcullis";
    // The shared cluster installed the same CRDs with server-side apply under a field manager of
    // its own, which Helm 4's server-side apply of crds/ would otherwise count as a conflict.
    helm.run("install", release, Helm.CHART.toString(), "--namespace", ns, "--force-conflicts")
        .ok();
    Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
    assertThat(d).isNotNull();
    assertThat(client.serviceAccounts().inNamespace(ns).withName(name).get()).isNotNull();
    assertThat(client.services().inNamespace(ns).withName(name + "-metrics").get()).isNotNull();
    assertThat(client.configMaps().inNamespace(ns).withName(name + "-world").get()).isNotNull();
    assertThat(client.apps().deployments().inNamespace(ns).withName(name + "-simulator").get())
        .isNotNull();
    assertThat(client.services().inNamespace(ns).withName(name + "-simulator").get()).isNotNull();
    assertThat(client.rbac().roles().inNamespace(ns).withName(name + "-leader-election").get())
        .isNotNull();
    assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(name).get())
        .isNotNull();
    assertThat(client.rbac().clusterRoles().withName(name).get()).isNotNull();
    assertThat(client.rbac().clusterRoleBindings().withName(name).get().getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getNamespace()).isEqualTo(ns));
    Map<String, String> before = env(d);
    assertThat(before).containsEntry("PORTCULLIS_RESYNC", "PT5M");

    helm.run(
            "upgrade",
            release,
            Helm.CHART.toString(),
            "--namespace",
            ns,
            "--reuse-values",
            "--set",
            "resync=PT1M")
        .ok();
    Deployment after = client.apps().deployments().inNamespace(ns).withName(name).get();
    assertThat(after.getMetadata().getGeneration()).isGreaterThan(d.getMetadata().getGeneration());
    assertThat(env(after)).containsEntry("PORTCULLIS_RESYNC", "PT1M");

    // a custom resource made while the chart is installed outlives it, as do the CRDs
    client
        .resources(SecurityGroup.class)
        .inNamespace(ns)
        .resource(
            client
                .getKubernetesSerialization()
                .unmarshal(
                    "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
                        + "metadata: {name: stays}\nspec:\n  region: eu-west-1\n"
                        + "  vpcId: vpc-0a000001\n",
                    SecurityGroup.class))
        .create();
    helm.run("uninstall", release, "--namespace", ns).ok();
    await()
        .atMost(30, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .until(() -> client.apps().deployments().inNamespace(ns).withName(name).get() == null);
    assertThat(client.rbac().clusterRoles().withName(name).get()).isNull();
    assertThat(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("securitygroups.ec2.portcullis.dev")
                .get())
        .isNotNull();
    assertThat(client.resources(SecurityGroup.class).inNamespace(ns).withName("stays").get())
        .isNotNull();
  }
}
