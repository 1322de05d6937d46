package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.DB;
import static dev.portcullis.it.OperatorRun.WEB;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's RBAC, proven on the real API server (RBAC on): the operator, authenticated with a
 * token of the chart's ServiceAccount rather than as cluster admin, goes through its scenario
 * (groups, a reference, attachments, a check, a deletion blocked then finished through finalizers,
 * events, the leader-election Lease); and without any one verb on any one resource of the chart's
 * rules, the same run fails: a Forbidden answer, an operator that refuses to start, or a resource
 * that never gets where the scenario expects it.
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

  /** Records every Forbidden answer the operator's client receives. */
  static final class Forbidden implements Interceptor {
    final Queue<String> seen = new ConcurrentLinkedQueue<>();

    @Override
    public void after(
        HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> body) {
      record(request, response);
    }

    @Override
    public CompletableFuture<Boolean> afterFailure(
        BasicBuilder builder, HttpResponse<?> response, Interceptor.RequestTags tags) {
      record(response.request(), response);
      return CompletableFuture.completedFuture(false);
    }

    private void record(HttpRequest request, HttpResponse<?> response) {
      if (response.code() == 403) {
        seen.add(request.method() + " " + request.uri().getPath());
      }
    }
  }

  /**
   * A client of the API server authenticated as {@code sa}, by a token from the TokenRequest API.
   */
  KubernetesClient clientAs(String namespace, String sa, Forbidden forbidden) {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(sa)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config own = admin.getConfiguration();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(own.getMasterUrl())
            .withCaCertData(own.getCaCertData())
            .withCaCertFile(own.getCaCertFile())
            .withTrustCerts(own.isTrustCerts())
            .withOauthToken(token)
            .withNamespace(namespace)
            .build();
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("forbidden", forbidden))
        .build();
  }

  /** Waits for {@code what}, giving up at once when the operator was refused something. */
  static void awaitStep(String alias, Forbidden forbidden, Callable<Boolean> what) {
    await()
        .alias(alias)
        .atMost(STEP)
        .pollInterval(200, MILLISECONDS)
        .failFast("the operator was refused: " + forbidden.seen, () -> !forbidden.seen.isEmpty())
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
  static void scenario(OperatorRun run, Forbidden forbidden, String home) {
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
    assertThat(forbidden.seen).as("Forbidden answers").isEmpty();
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
  Throwable run(Grant without, boolean clusterWide) {
    String home = cluster.newNamespace("rbac-home");
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
      Forbidden forbidden = new Forbidden();
      KubernetesClient kube = clientAs(home, name, forbidden);
      // as the operator command's, except that losing the Lease must not end the test's JVM
      LeaderElectionConfiguration lease =
          new LeaderElectionConfiguration(
              LEASE,
              home,
              LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
              LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
              LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
              null,
              null,
              false);
      run.tuned(s -> s.withLeaderElection(lease));
      try {
        run.start(s -> s, kube);
        scenario(run, forbidden, home);
        return null;
      } catch (Throwable t) {
        return t;
      }
    }
  }

  @Test
  void theOperatorRunsItsScenarioUnderTheChartsServiceAccountWithRolesPerNamespace() {
    passes(run(null, false), "the scenario under the chart's Roles");
  }

  @Test
  void theOperatorRunsItsScenarioUnderTheChartsServiceAccountWithAClusterRole() {
    passes(run(null, true), "the scenario under the chart's ClusterRole");
  }

  @Test
  void everyRuleIsNeeded() {
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

  private static void passes(Throwable failure, String what) {
    if (failure != null) {
      throw new AssertionError(what + " failed", failure);
    }
  }

  private static String firstLine(Throwable t) {
    String m = t.getClass().getSimpleName() + ": " + t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
