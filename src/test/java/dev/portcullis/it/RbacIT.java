package dev.portcullis.it;

import static dev.portcullis.it.ChartIT.all;
import static dev.portcullis.it.OperatorRun.DB;
import static dev.portcullis.it.OperatorRun.WEB;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.aws.FlowLogCheckpoint;
import dev.portcullis.operator.ConfigMapCheckpoints;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's RBAC, proven on the real API server (RBAC on): the operator command, in a process of
 * its own (so that it stops as it would in a pod), authenticated with a token of the chart's
 * ServiceAccount rather than as cluster admin, goes through its scenario (groups, a reference,
 * attachments, a check, a deletion blocked then finished through finalizers, events, the
 * leader-election Lease); and without any one verb on any one resource of the chart's rules, the
 * same run fails: a Forbidden answer in its log, an operator that stops, or a resource that never
 * gets where the scenario expects it.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class RbacIT {
  static final String LEASE = "portcullis";
  static final Duration STEP = Duration.ofSeconds(20);

  private final TestCluster cluster = TestCluster.shared();
  private final KubernetesClient admin = cluster.client();
  private final Helm helm = Helm.forCluster(cluster);

  /** One verb on one resource of one API group: the unit a rule can do without. */
  record Grant(String apiGroup, String resource, String verb) {
    @Override
    public String toString() {
      return verb + " " + resource + (apiGroup.isEmpty() ? "" : "." + apiGroup);
    }
  }

  /** The chart's ServiceAccount and RBAC for an operator in {@code home} watching {@code ns}. */
  List<HasMetadata> chartRbac(String home, String... args) {
    List<String> all = new ArrayList<>(List.of("--show-only", "templates/serviceaccount.yaml"));
    all.addAll(List.of("--show-only", "templates/rbac.yaml"));
    all.addAll(List.of("--set", "leaderElection.enabled=true,leaderElection.leaseName=" + LEASE));
    all.addAll(List.of(args));
    return helm.template(admin, home, all.toArray(String[]::new));
  }

  static List<PolicyRule> rules(HasMetadata role) {
    return role instanceof Role r ? r.getRules() : ((ClusterRole) role).getRules();
  }

  /** Every verb × resource the rules grant, in order. */
  static List<Grant> grants(List<PolicyRule> rules) {
    List<Grant> out = new ArrayList<>();
    for (PolicyRule r : rules) {
      for (String group : r.getApiGroups()) {
        for (String resource : r.getResources()) {
          for (String verb : r.getVerbs()) {
            out.add(new Grant(group, resource, verb));
          }
        }
      }
    }
    return out;
  }

  /** The rules that grant {@code grants}, one per resource. */
  static List<PolicyRule> rulesOf(List<Grant> grants) {
    Map<List<String>, List<String>> verbs = new LinkedHashMap<>();
    for (Grant g : grants) {
      verbs
          .computeIfAbsent(List.of(g.apiGroup(), g.resource()), k -> new ArrayList<>())
          .add(g.verb());
    }
    List<PolicyRule> out = new ArrayList<>();
    verbs.forEach(
        (k, v) ->
            out.add(
                new PolicyRuleBuilder()
                    .withApiGroups(k.get(0))
                    .withResources(k.get(1))
                    .withVerbs(v)
                    .build()));
    return out;
  }

  /** Creates the objects, each Role without {@code without} (null: as the chart has them). */
  void create(List<HasMetadata> objects, Grant without) {
    for (HasMetadata o : objects) {
      if (without != null && (o instanceof Role || o instanceof ClusterRole)) {
        List<Grant> kept = new ArrayList<>(grants(rules(o)));
        kept.remove(without);
        if (o instanceof Role r) {
          r.setRules(rulesOf(kept));
        } else {
          ((ClusterRole) o).setRules(rulesOf(kept));
        }
      }
      admin.resource(o).create();
    }
  }

  /** A token of {@code sa} from the TokenRequest API, as the kubelet would mount one. */
  String token(String namespace, String sa) {
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(sa)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  /** A kubeconfig that authenticates with {@code token} only, in {@code dir}. */
  Path kubeconfig(Path dir, String namespace, String token) throws IOException {
    Config own = admin.getConfiguration();
    String ca = own.getCaCertData();
    if (ca == null || ca.isBlank()) {
      ca = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(own.getCaCertFile())));
    }
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "  - name: it",
            "    cluster: {server: '"
                + own.getMasterUrl()
                + "', certificate-authority-data: "
                + ca
                + "}",
            "users:",
            "  - name: operator",
            "    user: {token: " + token + "}",
            "contexts:",
            "  - name: it",
            "    context: {cluster: it, user: operator, namespace: " + namespace + "}",
            "current-context: it",
            ""));
    return file;
  }

  /** {@code portcullis operator} in a process of its own, its output kept. */
  static final class OperatorProcess implements AutoCloseable {
    final Process process;
    final StringBuffer log = new StringBuffer();

    /** Where it serves /metrics, on 127.0.0.1. */
    final int metricsPort = freePort();

    OperatorProcess(Path kubeconfig, String watched, String home) throws IOException {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      ProcessBuilder pb =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.portcullis.Main",
                  "operator",
                  "--world",
                  "src/test/resources/worlds/demo.yaml",
                  "--throttling",
                  "off",
                  "--rate-limit",
                  "off",
                  "--metrics-address",
                  "127.0.0.1",
                  "--metrics-port",
                  Integer.toString(metricsPort),
                  // the world's traffic, read as flow logs and attributed to the attachments
                  "--flow-logs-interval",
                  "PT1S",
                  "--resync",
                  "PT2S",
                  "--namespaces",
                  watched,
                  "--leader-election",
                  "--leader-election-lease",
                  LEASE,
                  "--leader-election-namespace",
                  home)
              .redirectErrorStream(true);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      process = pb.start();
      process.getOutputStream().close();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    log.append(line).append('\n');
                  }
                } catch (IOException e) {
                  log.append("(output lost: ").append(e).append(")\n");
                }
              },
              "operator-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** What it serves on /metrics now. */
    String metrics() throws IOException, InterruptedException {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Why the run has failed already: a Forbidden answer in the log, or the process ended. */
    String failed() {
      String text = log.toString();
      int at = text.toLowerCase(Locale.ROOT).indexOf("forbidden");
      if (at >= 0) {
        int start = text.lastIndexOf('\n', at) + 1;
        int end = text.indexOf('\n', at);
        return "Forbidden: " + text.substring(start, end < 0 ? text.length() : end);
      }
      if (!process.isAlive()) {
        return "the operator ended with exit code " + process.exitValue();
      }
      return null;
    }

    /** False while the operator runs; throws why it failed, for Awaitility's fail-fast. */
    boolean assertRunning() {
      String why = failed();
      if (why != null) {
        throw new AssertionError(why);
      }
      return false;
    }

    @Override
    public void close() {
      ChildProcesses.stop(process);
    }
  }

  /** Waits for {@code what}, giving up at once when the operator was refused something. */
  static void awaitStep(String alias, OperatorProcess operator, Callable<Boolean> what) {
    await()
        .alias(alias)
        .atMost(STEP)
        .pollInterval(200, MILLISECONDS)
        .failFast("the operator failed", operator::assertRunning)
        .until(what);
  }

  static boolean has(
      OperatorRun run,
      Class<? extends HasMetadata> kind,
      String name,
      String type,
      String status,
      String reason) {
    HasMetadata r = run.get(kind, name);
    Condition c = r == null ? null : OperatorRun.condition(r, type);
    return c != null
        && status.equals(c.getStatus())
        && (reason == null || reason.equals(c.getReason()));
  }

  static final String V1 = "apiVersion: ec2.portcullis.dev/v1alpha1\n";

  /** The operator's scenario, each step fail-fast on a Forbidden answer. */
  static void scenario(OperatorRun run, OperatorProcess forbidden, String home) {
    // a JVM's start on a busy machine is no part of the steps' time
    await()
        .alias("the operator started")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(200, MILLISECONDS)
        .failFast("the operator failed", forbidden::assertRunning)
        .until(() -> forbidden.log.indexOf("portcullis operator: watching") >= 0);
    run.apply(
        SecurityGroup.class,
        V1
            + "kind: SecurityGroup\nmetadata: {name: app}\nspec:\n  region: eu-west-1\n"
            + "  vpcId: vpc-0a000001\n");
    run.apply(
        SecurityGroup.class,
        V1
            + "kind: SecurityGroup\nmetadata: {name: db}\nspec:\n  region: eu-west-1\n"
            + "  vpcId: vpc-0a000001\n  ingress:\n    - ports: [5432]\n"
            + "      from: [{securityGroup: app}]\n");
    run.apply(SecurityGroupAttachment.class, attachment("app", WEB));
    run.apply(SecurityGroupAttachment.class, attachment("db", DB));
    run.apply(
        ReachabilityCheck.class,
        V1
            + "kind: ReachabilityCheck\nmetadata: {name: psql}\nspec:\n  region: eu-west-1\n"
            + "  from: {instanceId: "
            + WEB
            + "}\n  to: {instanceId: "
            + DB
            + "}\n"
            + "  protocol: tcp\n  port: 5432\n  expect: Reachable\n");
    for (String g : List.of("app", "db")) {
      awaitStep(
          "SecurityGroup " + g + " Ready",
          forbidden,
          () -> has(run, SecurityGroup.class, g, "Ready", "True", null));
      awaitStep(
          "SecurityGroupAttachment " + g + " Ready",
          forbidden,
          () -> has(run, SecurityGroupAttachment.class, g, "Ready", "True", null));
    }
    awaitStep(
        "psql ExpectationMet",
        forbidden,
        () -> has(run, ReachabilityCheck.class, "psql", "ExpectationMet", "True", null));
    // the flow log pump reads the attachments of the watched namespace from the informer: the
    // world's traffic from web to db is counted against attachment db, and nothing is refused
    awaitStep(
        "flows attributed to attachment db",
        forbidden,
        () ->
            forbidden
                .metrics()
                .lines()
                .anyMatch(
                    l ->
                        l.startsWith("portcullis_flows_total{")
                            && l.contains("attachment=\"db\"")
                            && l.contains("namespace=\"" + run.ns + "\"")));
    awaitStep(
        "event Created on db",
        forbidden,
        () -> run.events("db").stream().anyMatch(e -> "Created".equals(e.getReason())));
    // db is still on its instance: its deletion waits, says why, then goes with the attachment
    run.delete(SecurityGroup.class, "db");
    awaitStep(
        "db DeletionBlocked",
        forbidden,
        () -> has(run, SecurityGroup.class, "db", "Ready", "False", "DeletionBlocked"));
    run.delete(SecurityGroupAttachment.class, "db");
    awaitStep(
        "attachment db gone",
        forbidden,
        () -> run.get(SecurityGroupAttachment.class, "db") == null);
    awaitStep("SecurityGroup db gone", forbidden, () -> run.get(SecurityGroup.class, "db") == null);
    Lease lease = run.client.leases().inNamespace(home).withName(LEASE).get();
    assertThat(lease).as("the Lease " + home + "/" + LEASE).isNotNull();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    assertThat(forbidden.failed()).as("what went wrong").isNull();
  }

  static String attachment(String name, String instance) {
    return V1
        + "kind: SecurityGroupAttachment\nmetadata: {name: "
        + name
        + "}\nspec:\n"
        + "  region: eu-west-1\n  securityGroups: ["
        + name
        + "]\n  instances: {ids: ["
        + instance
        + "]}\n";
  }

  /**
   * One run of the scenario under the chart's ServiceAccount, its Roles without {@code without};
   * what made it fail, or null when it passed.
   */
  Throwable run(Grant without, boolean clusterWide) throws Exception {
    String home = cluster.newNamespace("rbac-home");
    Path dir = Files.createTempDirectory("portcullis-rbac-");
    try (OperatorRun run = new OperatorRun("rbac")) {
      // named after its namespace, as ClusterRoles of several runs must not meet
      String name = home;
      create(
          chartRbac(
              home,
              "--set",
              "fullnameOverride=" + name,
              "--set",
              clusterWide ? "watchNamespaces=null" : "watchNamespaces={" + run.ns + "}"),
          without);
      Path kubeconfig = kubeconfig(dir, home, token(home, name));
      try (OperatorProcess operator = new OperatorProcess(kubeconfig, run.ns, home)) {
        try {
          scenario(run, operator, home);
          return null;
        } catch (Throwable t) {
          return t;
        } finally {
          lastLog = operator.log.toString();
        }
      }
    } finally {
      Files.deleteIfExists(dir.resolve("kubeconfig"));
      Files.deleteIfExists(dir);
    }
  }

  private String lastLog = "";

  @Test
  void theOperatorRunsItsScenarioUnderTheChartsServiceAccountWithRolesPerNamespace()
      throws Exception {
    passes(run(null, false), "the scenario under the chart's Roles");
  }

  @Test
  void theOperatorRunsItsScenarioUnderTheChartsServiceAccountWithAClusterRole() throws Exception {
    passes(run(null, true), "the scenario under the chart's ClusterRole");
  }

  @Test
  void everyRuleIsNeeded() throws Exception {
    String home = cluster.newNamespace("rbac-rules");
    List<Grant> all = new ArrayList<>();
    for (HasMetadata o : chartRbac(home, "--set", "watchNamespaces={" + home + "}")) {
      if (o instanceof Role || o instanceof ClusterRole) {
        all.addAll(grants(rules(o)));
      }
    }
    assertThat(all).isNotEmpty();
    Map<Grant, String> unneeded = new LinkedHashMap<>();
    long start = System.nanoTime();
    for (Grant g : all) {
      Throwable failure = run(g, false);
      System.out.println(
          "portcullis-it: without " + g + ": " + (failure == null ? "passed" : firstLine(failure)));
      if (failure == null) {
        unneeded.put(g, "the scenario passed without it");
      }
    }
    System.out.printf(
        "portcullis-it: %d runs without one rule each in %d s%n",
        all.size(), Duration.ofNanos(System.nanoTime() - start).toSeconds());
    assertThat(unneeded).as("rules no run needs").isEmpty();
  }

  /**
   * With flow logs, the chart's Role on the checkpoint's ConfigMap lets the operator's store create
   * it, read it back and update it, each of its verbs needed, and no other ConfigMap of the
   * namespace readable or writable.
   */
  @Test
  void theFlowLogCheckpointNeedsEachVerbOnItsConfigMapAndNoOther() throws Exception {
    for (String without : List.of("", "get", "update", "create")) {
      String home = cluster.newNamespace("rbac-checkpoint");
      List<HasMetadata> objects =
          chartRbac(
              home,
              "--set",
              "fullnameOverride=" + home + ",watchNamespaces={" + home + "}",
              "--set",
              "cloud=aws,flowLogs.logGroup=/vpc/flows,flowLogs.region=eu-west-1");
      Role role =
          all(objects, Role.class).stream()
              .filter(r -> r.getMetadata().getName().equals(home + "-flow-logs"))
              .findFirst()
              .orElseThrow();
      for (PolicyRule r : role.getRules()) {
        r.setVerbs(r.getVerbs().stream().filter(v -> !v.equals(without)).toList());
      }
      role.setRules(role.getRules().stream().filter(r -> !r.getVerbs().isEmpty()).toList());
      create(objects, null);
      admin
          .configMaps()
          .inNamespace(home)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("other")
                  .endMetadata()
                  .addToData("k", "v")
                  .build())
          .create();
      Path dir = Files.createTempDirectory("portcullis-rbac-");
      try (KubernetesClient sa =
          new KubernetesClientBuilder()
              .withConfig(
                  Config.fromKubeconfig(Files.readString(kubeconfig(dir, home, token(home, home)))))
              .build()) {
        ConfigMapCheckpoints store =
            new ConfigMapCheckpoints(sa, home, home + "-flow-logs", "eu-west-1", "/vpc/flows");
        FlowLogCheckpoint first = new FlowLogCheckpoint(1_000, Map.of("e1", 900L));
        FlowLogCheckpoint second = new FlowLogCheckpoint(2_000, Map.of("e1", 900L, "e2", 2_000L));
        Callable<Boolean> works =
            () -> {
              try {
                return store.save(first)
                    && store.load().equals(Optional.of(first))
                    && store.save(second)
                    && store.load().equals(Optional.of(second));
              } catch (KubernetesClientException e) {
                return false;
              }
            };
        if (without.isEmpty()) {
          await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(works);
          ConfigMapCheckpoints other =
              new ConfigMapCheckpoints(sa, home, "other", "eu-west-1", "/vpc/flows");
          assertThat(other.save(first)).as("another ConfigMap is not writable").isFalse();
          assertThat(catchThrowableOfType(KubernetesClientException.class, other::load))
              .as("another ConfigMap is not readable")
              .isNotNull()
              .extracting(KubernetesClientException::getCode)
              .isEqualTo(403);
        } else {
          // Wait until the Role is in force, then the store must fail without the verb.
          await()
              .atMost(Duration.ofSeconds(10))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () ->
                      !sa
                          .authorization()
                          .v1()
                          .selfSubjectRulesReview()
                          .create(
                              new io.fabric8.kubernetes.api.model.authorization.v1
                                      .SelfSubjectRulesReviewBuilder()
                                  .withNewSpec()
                                  .withNamespace(home)
                                  .endSpec()
                                  .build())
                          .getStatus()
                          .getResourceRules()
                          .stream()
                          .filter(r -> r.getResources().contains("configmaps"))
                          .toList()
                          .isEmpty());
          assertThat(works.call())
              .as("the checkpoint without %s on its ConfigMap", without)
              .isFalse();
        }
      } finally {
        Files.deleteIfExists(dir.resolve("kubeconfig"));
        Files.deleteIfExists(dir);
      }
    }
  }

  private void passes(Throwable failure, String what) {
    if (failure != null) {
      throw new AssertionError(what + " failed; the operator's output:\n" + lastLog, failure);
    }
  }

  private static String firstLine(Throwable t) {
    String m = t.getClass().getSimpleName() + ": " + t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
