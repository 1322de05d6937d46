package dev.portcullis.bench;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.aws.AwsCloud;
import dev.portcullis.cloud.aws.MotoServer;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import dev.portcullis.engine.Quotas;
import dev.portcullis.it.TestCluster;
import dev.portcullis.operator.CloudBackend;
import dev.portcullis.operator.PortcullisOperator;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * How long the operator takes to bring many new SecurityGroups to Ready, what it asks of EC2 on the
 * way, and how much heap it keeps for them. Not a JMH benchmark (one convergence is one long
 * measurement) and not a test: a program run on demand (see docs/benchmarks.md, "Operator
 * convergence").
 *
 * <p>It starts the test cluster's kube-apiserver and etcd ({@link TestCluster}; the local API
 * server unless {@code -Dportcullis.it.cluster} says otherwise), starts the operator in this JVM on
 * the simulator's demo world, creates {@code --groups} SecurityGroups of 20 EC2 rules each in one
 * namespace, and watches them until every one is Ready for its current generation. Then it counts
 * the EC2 calls per action (the simulator's {@link CallCounters}), lets one resync interval pass
 * and counts the DescribeSecurityGroups calls made in it, and measures retained heap:
 *
 * <ol>
 *   <li>H0: used heap after a full GC, before the operator starts (after a warm-up start and stop
 *       of the operator on an empty namespace, so that loaded classes and static caches of Fabric8,
 *       Jackson and JOSDK are in the baseline and not counted per group);
 *   <li>H1: the same after convergence and the resync, the operator running;
 *   <li>H2: after the operator and its client are stopped, the simulator still held;
 *   <li>H3: after the simulator is dropped too.
 * </ol>
 *
 * The operator's retained heap is (H1 - H0) - (H2 - H3): everything that appeared since the
 * baseline, less the simulator's state (its groups and rules, which stand for EC2 and would not be
 * in the operator's heap against AWS). The operator reaches the simulator through a {@link
 * DetachedCloud}, which copies every value that crosses, so that the two share no objects and the
 * subtraction takes nothing of the operator's away. Whatever the operator left behind after it
 * stopped (H3 - H0) is counted as the operator's.
 *
 * <p>Options: {@code --groups N} (1000), {@code --throttling on|off} (off: the simulator answers at
 * once, which measures the operator's own overhead), {@code --rate-limit on|off} (the operator's
 * client-side limiter; by default on with throttling and off without), {@code --threads N} (the
 * operator's default), {@code --resync PT60S}, {@code --timeout PT30M}, {@code --heap on|off} (on),
 * {@code --histogram FILE} (writes the live objects by class at H1, to see where the heap goes).
 */
public final class ConvergenceBenchmark {
  static final String REGION = "eu-west-1";
  static final String VPC = "vpc-0a000001";
  static final int RULES_PER_GROUP = 20;

  /**
   * The AWS adapter's companion of every group describe: the rules' {@code sgr-} ids. The simulator
   * answers with them in one call.
   */
  static final String DESCRIBE_RULES = "DescribeSecurityGroupRules";

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private ConvergenceBenchmark() {}

  record Options(
      int groups,
      boolean aws,
      boolean endpoint,
      boolean throttling,
      boolean rateLimit,
      int threads,
      Duration resync,
      Duration timeout,
      boolean heap,
      Path histogram) {
    static Options parse(String[] args) {
      int groups = 1000;
      String cloud = "simulator";
      boolean throttling = false;
      Boolean rateLimit = null;
      int threads = PortcullisOperator.Settings.defaults().threads();
      Duration resync = Duration.ofSeconds(60);
      Duration timeout = Duration.ofMinutes(30);
      Boolean heap = null;
      Path histogram = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (a) {
          case "--groups" -> groups = Integer.parseInt(Objects.requireNonNull(v, a));
          case "--cloud" -> cloud = cloud(a, v);
          case "--throttling" -> throttling = onOff(a, v);
          case "--rate-limit" -> rateLimit = onOff(a, v);
          case "--threads" -> threads = Integer.parseInt(Objects.requireNonNull(v, a));
          case "--resync" -> resync = Duration.parse(Objects.requireNonNull(v, a));
          case "--timeout" -> timeout = Duration.parse(Objects.requireNonNull(v, a));
          case "--heap" -> heap = onOff(a, v);
          case "--histogram" -> histogram = Path.of(Objects.requireNonNull(v, a));
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
        i++;
      }
      boolean aws = !cloud.equals("simulator");
      boolean endpoint = cloud.equals("endpoint");
      // Without throttling the limiter would only slow the operator down: off unless asked for.
      boolean limit = rateLimit == null ? throttling : rateLimit;
      if (aws && !endpoint && throttling) {
        throw new IllegalArgumentException(
            "--throttling is the simulator's: moto does not throttle (use --rate-limit on to pace"
                + " the operator as against EC2)");
      }
      // Against moto the cloud's state is in moto's process, not in this heap: measure on demand.
      boolean measureHeap = heap == null ? !aws : heap;
      return new Options(
          groups,
          aws,
          endpoint,
          throttling,
          limit,
          threads,
          resync,
          timeout,
          measureHeap,
          histogram);
    }

    /**
     * simulator; aws (the AWS adapter and moto); endpoint (the adapter and the simulator's EC2
     * endpoint).
     */
    private static String cloud(String option, String v) {
      if ("simulator".equals(v) || "aws".equals(v) || "endpoint".equals(v)) {
        return v;
      }
      throw new IllegalArgumentException(option + ": simulator, aws or endpoint, not " + v);
    }

    private static boolean onOff(String option, String v) {
      if ("on".equals(v)) {
        return true;
      }
      if ("off".equals(v)) {
        return false;
      }
      throw new IllegalArgumentException(option + ": on or off, not " + v);
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    if (System.getProperty(TestCluster.MODE_PROPERTY) == null) {
      System.setProperty(TestCluster.MODE_PROPERTY, "apiserver");
    }
    int code;
    try {
      code = run(o);
    } catch (Throwable t) {
      t.printStackTrace();
      code = 1;
    }
    System.out.flush();
    // the cluster is stopped by its shutdown hook
    System.exit(code);
  }

  /**
   * The cloud a run converges on: the simulator, or the AWS adapter talking to moto. Either way the
   * operator reaches it through a {@link DetachedCloud}.
   */
  interface BenchCloud extends AutoCloseable {
    /** What the operator is given. */
    CloudBackend backend();

    /** The VPC the groups go in. */
    String vpcId();

    /** The EC2 calls made so far, by operation and outcome. */
    CallCounters calls();

    /** The cloud itself, for the final check of what it holds. */
    CloudPort port();

    @Override
    void close();
  }

  record SimulatorCloud(Ec2Simulator sim) implements BenchCloud {
    @Override
    public CloudBackend backend() {
      return CloudBackend.simulator(sim);
    }

    @Override
    public String vpcId() {
      return VPC;
    }

    @Override
    public CallCounters calls() {
      return sim.calls();
    }

    @Override
    public CloudPort port() {
      return sim;
    }

    @Override
    public void close() {}
  }

  /** moto on 127.0.0.1 with one VPC, reached through {@link AwsCloud} as in production. */
  record MotoCloud(MotoServer moto, AwsCloud aws, String vpcId) implements BenchCloud {
    static MotoCloud start() throws Exception {
      MotoServer moto = MotoServer.start();
      String vpc;
      try (Ec2Client ec2 = moto.ec2(REGION)) {
        vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
      }
      return new MotoCloud(moto, moto.cloud(), vpc);
    }

    @Override
    public CloudBackend backend() {
      return CloudBackend.aws(aws, Quotas.DEFAULT);
    }

    @Override
    public CallCounters calls() {
      return aws.calls();
    }

    @Override
    public CloudPort port() {
      return aws;
    }

    @Override
    public void close() {
      aws.close();
      moto.close();
    }
  }

  /**
   * The simulator served as an EC2 endpoint on 127.0.0.1, reached through {@link AwsCloud} as in
   * production: the AWS adapter's own cost, without moto's.
   */
  record EndpointCloud(Ec2Endpoint endpoint, AwsCloud aws) implements BenchCloud {
    static EndpointCloud start(boolean throttling) throws Exception {
      Ec2Endpoint endpoint =
          Ec2Endpoint.start(
              simulator(throttling),
              new InetSocketAddress("127.0.0.1", 0),
              Ec2QueryService.Settings.open(),
              false);
      return new EndpointCloud(endpoint, new AwsCloud(endpoint.uri(), MotoServer.CREDENTIALS));
    }

    @Override
    public CloudBackend backend() {
      return CloudBackend.aws(aws, Quotas.DEFAULT);
    }

    @Override
    public String vpcId() {
      return VPC;
    }

    @Override
    public CallCounters calls() {
      return aws.calls();
    }

    @Override
    public CloudPort port() {
      return aws;
    }

    @Override
    public void close() {
      aws.close();
      endpoint.close();
    }
  }

  static int run(Options o) throws Exception {
    say(
        "convergence: %,d SecurityGroups x %d rules, on %s, simulator throttling %s, rate limit"
            + " %s, %d threads, resync %s",
        o.groups(),
        RULES_PER_GROUP,
        o.endpoint()
            ? "the AWS adapter and the simulator's EC2 endpoint"
            : o.aws() ? "the AWS adapter and moto" : "the simulator",
        o.throttling() ? "EC2" : "off",
        o.rateLimit() ? "on" : "off",
        o.threads(),
        o.resync());
    TestCluster cluster = TestCluster.shared();
    KubernetesClient kube = cluster.client();
    PortcullisOperator.Settings base =
        PortcullisOperator.Settings.defaults().withThreads(o.threads()).withResync(o.resync());
    if (!o.rateLimit()) {
      base = base.withRequestLimits(null);
    }

    warmUp(o, cluster, base);

    String ns = cluster.newNamespace("bench");
    BenchCloud cloud = cloud(o, o.throttling());
    String vpc = cloud.vpcId();
    long h0 = o.heap() ? usedAfterGc() : 0;
    histogram(o.histogram(), "h0");

    ReadyWatch ready = new ReadyWatch(o.groups());
    Watch watch = kube.resources(SecurityGroup.class).inNamespace(ns).watch(ready);
    KubernetesClient operatorClient = cluster.newClient();
    CloudBackend backend = cloud.backend();
    DetachedCloud detached = new DetachedCloud(backend.port());
    PortcullisOperator operator =
        PortcullisOperator.start(
            operatorClient, backend.withPort(detached), base.withNamespaces(Set.of(ns)));
    backend = null;

    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> creates = new ArrayList<>();
    for (int i = 0; i < o.groups(); i++) {
      int n = i;
      creates.add(
          pool.submit(
              () ->
                  kube.resources(SecurityGroup.class)
                      .inNamespace(ns)
                      .resource(group(ns, vpc, n, o.groups()))
                      .create()));
    }
    for (Future<?> f : creates) {
      f.get();
    }
    pool.shutdown();
    creates = null;
    double applied = seconds(System.nanoTime() - t0);
    say("created %,d SecurityGroups in %.1f s", o.groups(), applied);

    boolean done = ready.await(o.timeout());
    double converged = seconds(System.nanoTime() - t0);
    if (!done) {
      say("NOT CONVERGED within %s: %,d of %,d Ready", o.timeout(), ready.readyCount(), o.groups());
    } else {
      say("all %,d Ready after %.1f s (from the first create)", o.groups(), converged);
    }
    Map<String, Map<String, Long>> atConvergence = cloud.calls().snapshot();
    Map<String, long[]> times = detached.times();
    Map<String, long[]> groupTimes = detached.perGroup();
    detached = null; // the operator holds it until it stops
    long inventoryDescribes = operator.context().inventory().describeCalls();
    long readsAtConvergence = operator.context().inventory().reads();

    // One resync interval (and a little) with nothing to do: what does the operator ask of EC2?
    Duration window = o.resync().plusSeconds(10);
    long writesAtConvergence = ready.writes();
    Thread.sleep(window.toMillis());
    long resyncWrites = ready.writes() - writesAtConvergence;
    say(
        "status writes in the %s after convergence: %,d (%.2f per group; each status's"
            + " lastSyncTime moves once per resync)",
        window, resyncWrites, (double) resyncWrites / o.groups());
    Map<String, Map<String, Long>> afterResync = cloud.calls().snapshot();
    long resyncReads = operator.context().inventory().reads() - readsAtConvergence;
    watch.close();
    int readyAfterResync = ready.readyCount();

    long h1 = o.heap() ? usedAfterGc() : 0;
    histogram(o.histogram(), "h1");
    operator.close();
    operatorClient.close();
    operator = null;
    operatorClient = null;
    long h2 = o.heap() ? usedAfterGc() : 0;
    histogram(o.histogram(), "h2");

    // Check what EC2 holds, before the cloud goes.
    List<SecurityGroupInfo> managed =
        cloud
            .port()
            .describeAllSecurityGroups(REGION, GroupFilter.tags(Map.of(OwnerTags.NAMESPACE, ns)));
    long rules = managed.stream().mapToLong(g -> g.rules().size()).sum();
    int managedGroups = managed.size();
    long expectedRules = 0;
    for (int i = 0; i < o.groups(); i++) {
      expectedRules += RULES_PER_GROUP + (keepsDefaultEgress(i) ? 1 : 0);
    }
    cloud.close();
    cloud = null;
    managed = null;
    long h3 = o.heap() ? usedAfterGc() : 0;

    report(
        o,
        done,
        applied,
        converged,
        atConvergence,
        afterResync,
        inventoryDescribes,
        window,
        resyncReads,
        readyAfterResync);
    say("when the operator's calls reached EC2 (s after the first create): first, last");
    times.forEach(
        (what, t) -> say("  %-45s %8.1f %8.1f", what, seconds(t[0] - t0), seconds(t[1] - t0)));
    if (o.throttling()) {
      timeline(o.groups(), groupTimes, t0);
    }
    groupTimes = null;
    say(
        "EC2 holds %,d managed groups with %,d rules (expected %,d and %,d)",
        managedGroups, rules, o.groups(), expectedRules);
    if (o.heap()) {
      long operatorHeap = (h1 - h0) - (h2 - h3);
      say(
          "heap used after full GC (MiB): H0 baseline %.1f, H1 converged %.1f, H2 operator"
              + " stopped %.1f, H3 cloud dropped %.1f",
          mib(h0), mib(h1), mib(h2), mib(h3));
      say(
          "cloud's state (H2 - H3): %.1f MiB; left behind by the stopped operator (H3 - H0):"
              + " %.1f MiB",
          mib(h2 - h3), mib(h3 - h0));
      double perGroup = operatorHeap / 1024.0 / o.groups();
      say(
          "operator's retained heap (H1 - H0) - (H2 - H3): %.1f MiB, %.2f KiB per group"
              + "  [target <= 8 KiB: %s]",
          mib(operatorHeap), perGroup, perGroup <= 8 ? "met" : "NOT met");
    }
    return done && managedGroups == o.groups() && rules == expectedRules ? 0 : 2;
  }

  /**
   * One start and stop on an empty namespace, so that the baseline holds the classes and static
   * caches that any operator holds whatever it manages.
   */
  // "try": the operator is a resource only so that it stops; its body never needs to name it.
  @SuppressWarnings("try")
  private static void warmUp(Options o, TestCluster cluster, PortcullisOperator.Settings base)
      throws Exception {
    KubernetesClient kube = cluster.client();
    String warmNs = cluster.newNamespace("bench-warmup");
    try (BenchCloud warmCloud = cloud(o, false);
        KubernetesClient c = cluster.newClient();
        PortcullisOperator warm =
            PortcullisOperator.start(c, warmCloud.backend(), base.withNamespaces(Set.of(warmNs)))) {
      kube.resources(SecurityGroup.class)
          .inNamespace(warmNs)
          .resource(group(warmNs, warmCloud.vpcId(), 0, 1))
          .create();
      awaitReady(kube, warmNs, 1, Duration.ofMinutes(2));
    }
  }

  static BenchCloud cloud(Options o, boolean throttling) throws Exception {
    if (o.endpoint()) {
      return EndpointCloud.start(throttling);
    }
    return o.aws() ? MotoCloud.start() : new SimulatorCloud(simulator(throttling));
  }

  /**
   * Where the time went, per group: when its ingress rules could first be authorized (its own group
   * and every group it references exist) and when they were; the groups whose references were
   * created after them apart from the others. Times from {@code perGroup} ({@code [created,
   * ingress]}, System.nanoTime), in seconds after {@code t0}.
   */
  static void timeline(int n, Map<String, long[]> perGroup, long t0) {
    double[] made = new double[n];
    double[] ingress = new double[n];
    for (int i = 0; i < n; i++) {
      long[] t = perGroup.get(name(i));
      made[i] = t == null || t[0] == 0 ? Double.NaN : seconds(t[0] - t0);
      ingress[i] = t == null || t[1] == 0 ? Double.NaN : seconds(t[1] - t0);
    }
    double lastCreate = 0;
    for (double m : made) {
      lastCreate = Double.isNaN(m) ? lastCreate : Math.max(lastCreate, m);
    }
    int bin = 20;
    int bins =
        (int) Math.ceil(Arrays.stream(ingress).filter(x -> !Double.isNaN(x)).max().orElse(0) / bin)
            + 1;
    long[] creates = new long[bins];
    long[] waited = new long[bins];
    long[] others = new long[bins];
    double[] sum = new double[2];
    double[] max = new double[2];
    long[] count = new long[2];
    long[] late = new long[2];
    for (int i = 0; i < n; i++) {
      if (!Double.isNaN(made[i])) {
        creates[(int) (made[i] / bin)]++;
      }
      if (Double.isNaN(ingress[i])) {
        continue;
      }
      double possible = made[i];
      boolean waits = false;
      if (references(i) && n > 2) {
        for (int r : new int[] {(i + n - 1) % n, (i + n / 2) % n}) {
          if (made[r] > made[i]) {
            waits = true;
          }
          possible = Math.max(possible, made[r]);
        }
      }
      int k = waits ? 1 : 0;
      (waits ? waited : others)[(int) (ingress[i] / bin)]++;
      double d = ingress[i] - possible;
      sum[k] += d;
      max[k] = Math.max(max[k], d);
      count[k]++;
      if (ingress[i] > lastCreate) {
        late[k]++;
      }
    }
    say(
        "per %d s after the first create: CreateSecurityGroup; AuthorizeSecurityGroupIngress for"
            + " groups whose references came after them, for the others",
        bin);
    for (int b = 0; b < bins; b++) {
      say("  %4d-%-4d s %8d %8d %8d", b * bin, (b + 1) * bin, creates[b], waited[b], others[b]);
    }
    String[] what = {"groups with their references", "groups waiting for a reference"};
    for (int k = 0; k < 2; k++) {
      say(
          "  %-32s %,5d: ingress %.1f s on average (at most %.1f s) after it became possible;"
              + " %,d after the last create",
          what[k], count[k], count[k] == 0 ? 0 : sum[k] / count[k], max[k], late[k]);
    }
  }

  static void report(
      Options o,
      boolean done,
      double applied,
      double converged,
      Map<String, Map<String, Long>> atConvergence,
      Map<String, Map<String, Long>> afterResync,
      long inventoryDescribes,
      Duration window,
      long resyncReads,
      int readyAfterResync) {
    long total = 0;
    long throttled = 0;
    say("EC2 calls until all were Ready (per group: calls / %,d):", o.groups());
    say("  %-45s %10s %10s %12s", "action", "calls", "per group", "throttled");
    for (Map.Entry<String, Map<String, Long>> e : atConvergence.entrySet()) {
      long n = e.getValue().values().stream().mapToLong(Long::longValue).sum();
      long t = e.getValue().getOrDefault("RequestLimitExceeded", 0L);
      total += n;
      throttled += t;
      say(
          "  %-45s %,10d %10.3f %,12d%s",
          e.getKey(), n, (double) n / o.groups(), t, otherErrors(e.getValue()));
    }
    long succeeded =
        atConvergence.values().stream()
            .mapToLong(byOutcome -> byOutcome.getOrDefault(CallCounters.SUCCESS, 0L))
            .sum();
    say("  %-45s %,10d %10.3f %,12d", "all", total, (double) total / o.groups(), throttled);
    double throttledShare = total == 0 ? 0 : 100.0 * throttled / total;
    say(
        "RequestLimitExceeded: %,d of %,d calls (%.2f %%)  [target < 1 %% with throttling: %s]",
        throttled,
        total,
        throttledShare,
        o.throttling() ? (throttledShare < 1 ? "met" : "NOT met") : "n/a, throttling off");
    double perGroup = (double) succeeded / o.groups();
    long ruleDescribesToReady =
        atConvergence.getOrDefault(DESCRIBE_RULES, Map.of()).getOrDefault(CallCounters.SUCCESS, 0L);
    double withoutRuleIds = (double) (succeeded - ruleDescribesToReady) / o.groups();
    say(
        "successful EC2 calls per new group: %.3f  [target <= 3: %s]",
        perGroup,
        o.aws()
            ? "without the rule-id reads, which EC2 answers inside the authorize: "
                + (withoutRuleIds <= 3 ? "met" : "NOT met")
            : perGroup <= 3 ? "met" : "NOT met");
    if (ruleDescribesToReady > 0) {
      say(
          "  of which %s (the AWS adapter's rule ids, %,d calls): %.3f per group; without them"
              + " %.3f",
          DESCRIBE_RULES,
          ruleDescribesToReady,
          ruleDescribesToReady / (double) o.groups(),
          withoutRuleIds);
    }

    String describe = Ec2Action.DESCRIBE_SECURITY_GROUPS.apiName();
    long describes = count(afterResync, describe) - count(atConvergence, describe);
    long ruleDescribes = count(afterResync, DESCRIBE_RULES) - count(atConvergence, DESCRIBE_RULES);
    long others = 0;
    for (String a : afterResync.keySet()) {
      if (!a.equals(describe) && !a.equals(DESCRIBE_RULES)) {
        others += count(afterResync, a) - count(atConvergence, a);
      }
    }
    // The inventory reads a region again at most once per resync interval, so a window of one
    // interval and a little holds one read (two at most); describes per resync are per read.
    double perResync = resyncReads == 0 ? describes : (double) describes / resyncReads;
    double per1000 = perResync / (o.groups() / 1000.0);
    say(
        "in the %s after convergence (one resync interval of %s, and 10 s): %,d"
            + " DescribeSecurityGroups in %,d full read(s) of the managed groups, so %.2f per"
            + " resync (%.2f per 1,000 groups), with %,d %s; %,d other EC2 calls; %,d of %,d"
            + " still Ready"
            + "  [target <= 1 Describe per 1,000 groups per resync: %s]",
        window,
        o.resync(),
        describes,
        resyncReads,
        perResync,
        per1000,
        ruleDescribes,
        DESCRIBE_RULES,
        others,
        readyAfterResync,
        o.groups(),
        resyncReads == 0
            ? "no resync seen"
            : perResync <= Math.max(1, Math.ceil(o.groups() / 1000.0)) ? "met" : "NOT met");
    say("(the operator's inventory made %,d describe calls up to convergence)", inventoryDescribes);

    say(
        "converged in %.1f s (creating the resources took %.1f s)  [%s]",
        converged,
        applied,
        o.throttling()
            ? floorVerdict(atConvergence, converged)
            : o.aws()
                ? "no target on "
                    + (o.endpoint()
                        ? "the endpoint yet"
                        : "moto: its answers take what a Python server takes")
                : "target <= 60 s without throttling: "
                    + (done && converged <= 60 ? "met" : "NOT met"));
  }

  /**
   * The least time EC2's buckets allow for the calls made: per action, the calls beyond a full
   * bucket at its refill rate, (calls - capacity) / refill; the floor is the largest of these, as
   * the buckets of different actions refill side by side.
   */
  static String floorVerdict(Map<String, Map<String, Long>> calls, double converged) {
    double floor = 0;
    Ec2Action slowest = null;
    say("floor from EC2's buckets (successful calls only):");
    say("  %-45s %10s %8s %8s %10s", "action", "calls", "bucket", "refill/s", "floor s");
    for (Ec2Action a : Ec2Action.values()) {
      long n = calls.getOrDefault(a.apiName(), Map.of()).getOrDefault(CallCounters.SUCCESS, 0L);
      if (n == 0) {
        continue;
      }
      double f = Math.max(0, (n - a.capacity()) / a.refillPerSecond());
      say("  %-45s %,10d %8d %8.0f %10.1f", a.apiName(), n, a.capacity(), a.refillPerSecond(), f);
      if (f > floor) {
        floor = f;
        slowest = a;
      }
    }
    double ratio = converged / floor;
    return String.format(
        Locale.ROOT,
        "floor %.1f s (%s); ratio %.3f  [target <= 1.15: %s]",
        floor,
        slowest,
        ratio,
        ratio <= 1.15 ? "met" : "NOT met");
  }

  private static String otherErrors(Map<String, Long> outcomes) {
    StringBuilder b = new StringBuilder();
    outcomes.forEach(
        (k, v) -> {
          if (!k.equals(CallCounters.SUCCESS) && !k.equals("RequestLimitExceeded")) {
            b.append("  ").append(k).append(' ').append(v);
          }
        });
    return b.toString();
  }

  private static long count(Map<String, Map<String, Long>> calls, String a) {
    return calls.getOrDefault(a, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }

  static Ec2Simulator simulator(boolean throttling) {
    return Ec2Simulator.builder()
        .world(WorldLoader.loadResource("/worlds/demo.yaml"))
        .throttling(throttling ? ThrottlingMode.EC2 : ThrottlingMode.OFF)
        .seed(11)
        .build();
  }

  // ---------------------------------------------------------------- the groups

  static String name(int i) {
    return String.format(Locale.ROOT, "g-%05d", i);
  }

  /** Six groups in ten keep EC2's default egress rule; the others list their own egress. */
  static boolean keepsDefaultEgress(int i) {
    return i % 10 < 6;
  }

  /** One group in four has rules that reference other SecurityGroups by name. */
  static boolean references(int i) {
    return i % 4 == 1;
  }

  /**
   * SecurityGroup {@code i} of {@code n}: 20 EC2 rules. Ingress: HTTP and HTTPS from anywhere (IPv4
   * and IPv6) for one group in five, else from the VPC; ICMP echo from 10.0.0.0/8; SSH from three
   * office hosts; application ports from two networks; DNS over UDP; for a quarter of the groups
   * PostgreSQL from two other SecurityGroups named in the spec; host rules on further ports to make
   * up the count. Groups that list egress have five egress rules (HTTPS out, PostgreSQL to the
   * database network, DNS, NTP) and lose EC2's default rule.
   */
  static SecurityGroup group(String ns, String vpc, int i, int n) {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n");
    y.append("metadata: {name: ").append(name(i)).append(", namespace: ").append(ns).append("}\n");
    y.append("spec:\n  region: ").append(REGION).append("\n  vpcId: ").append(vpc).append('\n');
    y.append("  description: Benchmark group ").append(i).append('\n');
    y.append("  tags: {team: team-").append(i % 17).append(", tier: bench}\n");
    int egress = keepsDefaultEgress(i) ? 0 : 5;
    int budget = RULES_PER_GROUP - egress;
    y.append("  ingress:\n");
    int used = 0;
    if (i % 5 == 0) {
      y.append("    - ports: [http, https]\n      from: [{cidr: 0.0.0.0/0}, {cidr: \"::/0\"}]\n");
      used += 4;
    } else {
      y.append("    - ports: [http, https]\n      from: [{cidr: 10.0.0.0/16}]\n");
      used += 2;
    }
    y.append(
        "    - protocol: icmp\n      icmp: {type: 8}\n      from: [{cidr: 10.0.0.0/8}]\n"
            + "      description: ping from the private networks\n");
    used += 1;
    y.append("    - ports: [ssh]\n      from: [");
    for (int h = 0; h < 3; h++) {
      y.append(h == 0 ? "" : ", ").append("{cidr: 203.0.113.").append(10 + (i + h) % 200);
      y.append("/32}");
    }
    y.append("]\n      description: office\n");
    used += 3;
    int app = 8000 + i % 1000;
    y.append("    - ports: [\"").append(app).append("\", \"").append(app + 1000).append("\"]\n");
    y.append("      from: [{cidr: 10.").append(i % 200).append(".0.0/16}, {cidr: 172.16.");
    y.append(i % 250).append(".0/24}]\n");
    used += 4;
    y.append("    - protocol: udp\n      ports: [dns]\n      from: [{cidr: 10.0.0.0/16}]\n");
    used += 1;
    if (references(i) && n > 2) {
      int a = (i + n - 1) % n;
      int b = (i + n / 2) % n;
      if (b == i || b == a) {
        b = (i + 2) % n;
      }
      y.append("    - ports: [postgres]\n      from: [{securityGroup: ").append(name(a));
      y.append("}, {securityGroup: ").append(name(b)).append("}]\n");
      used += 2;
    }
    int port = 20000 + (i % 20) * 100;
    while (used < budget) {
      y.append("    - ports: [\"").append(port++).append("\"]\n      from: [{cidr: 10.1.");
      y.append(i % 250).append('.').append(used).append("/32}]\n");
      used++;
    }
    if (egress > 0) {
      y.append("  egress:\n");
      y.append("    - ports: [https]\n      to: [{cidr: 0.0.0.0/0}, {cidr: \"::/0\"}]\n");
      y.append("    - ports: [postgres]\n      to: [{cidr: 10.0.64.0/20}]\n");
      y.append(
          "    - protocol: udp\n      ports: [dns, \"123\"]\n      to: [{cidr: 10.0.0.0/16}]\n");
    }
    return YAML.unmarshal(y.toString(), SecurityGroup.class);
  }

  // ---------------------------------------------------------------- readiness

  /** Counts the SecurityGroups that are Ready for their current generation, from a watch. */
  static final class ReadyWatch implements Watcher<SecurityGroup> {
    private final int expected;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final Object changed = new Object();
    private final AtomicLong writes = new AtomicLong();

    ReadyWatch(int expected) {
      this.expected = expected;
    }

    @Override
    public void eventReceived(Action action, SecurityGroup sg) {
      if (action == Action.MODIFIED) {
        writes.incrementAndGet();
      }
      String name = sg.getMetadata().getName();
      if (action != Action.DELETED && isReady(sg)) {
        ready.add(name);
      } else {
        ready.remove(name);
      }
      if (ready.size() >= expected) {
        synchronized (changed) {
          changed.notifyAll();
        }
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      say("watch closed: %s", cause.getMessage());
    }

    int readyCount() {
      return ready.size();
    }

    /** Changes the API server made to the SecurityGroups (status writes, finalizers, specs). */
    long writes() {
      return writes.get();
    }

    boolean await(Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      synchronized (changed) {
        while (ready.size() < expected) {
          long left = end - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(changed, Math.min(left, 1_000_000_000L));
        }
      }
      return true;
    }
  }

  static boolean isReady(SecurityGroup sg) {
    if (sg.getStatus() == null || sg.getStatus().getConditions() == null) {
      return false;
    }
    if (!Objects.equals(sg.getStatus().getObservedGeneration(), sg.getMetadata().getGeneration())) {
      return false;
    }
    for (Condition c : sg.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  private static void awaitReady(KubernetesClient kube, String ns, int n, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      long r =
          kube.resources(SecurityGroup.class).inNamespace(ns).list().getItems().stream()
              .filter(ConvergenceBenchmark::isReady)
              .count();
      if (r >= n) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("warm-up: not Ready within " + timeout);
  }

  // ---------------------------------------------------------------- measuring

  /** Used heap after full collections, once it stops shrinking. */
  static long usedAfterGc() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(300);
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= last - 64 * 1024) {
        return Math.min(used, last);
      }
      last = used;
    }
    return last;
  }

  /** Writes the live heap's class histogram (as {@code jcmd GC.class_histogram} does). */
  static void histogram(Path prefix, String point) throws Exception {
    if (prefix == null) {
      return;
    }
    Path file = Path.of(prefix + "-" + point + ".txt");
    Object text =
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
    Files.writeString(file, String.valueOf(text));
    say("class histogram at %s written to %s", point.toUpperCase(Locale.ROOT), file);
  }

  static double mib(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
    System.out.flush();
  }
}
