package dev.portcullis.bench;

import static dev.portcullis.bench.ConvergenceBenchmark.REGION;
import static dev.portcullis.bench.ConvergenceBenchmark.say;
import static dev.portcullis.bench.ConvergenceBenchmark.seconds;

import dev.portcullis.api.v1alpha1.DriftPolicy;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.it.TestCluster;
import dev.portcullis.operator.CloudBackend;
import dev.portcullis.operator.PortcullisOperator;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * How soon the operator notices a change made to EC2 behind its back, and what noticing costs per
 * interval. A program run on demand (docs/benchmarks.md, "Drift found"), like {@link
 * ConvergenceBenchmark}, whose estate it builds: {@code --groups} SecurityGroups of 20 rules in one
 * namespace on the simulator's demo world, every tenth with {@code driftPolicy: Report}.
 *
 * <p>Once all are Ready and one scan interval has passed, it counts over {@code --quiet} intervals
 * with nothing changing the EC2 calls by action and the changes the API server makes to the
 * SecurityGroups (a watch's MODIFIED events). Then it makes {@code --changes} out-of-band changes,
 * one at a time at a random moment of the scan's cycle, each an ingress rule authorized on one
 * group directly in the simulator, alternately on a {@code Correct} and a {@code Report} group, and
 * measures from the change to (a) the drift meter ({@code
 * portcullis_security_group_drift_rules{drift="unexpected"}} above 0 for Report, the drift's
 * last-seen timestamp for Correct) and (b) the event ({@code DriftDetected} or {@code
 * DriftCorrected}) as a watch on the namespace's events receives it.
 *
 * <p>Options: {@code --groups N} (1000), {@code --interval PT30S} (the drift scan's, the default),
 * {@code --resync PT30M} (long, so that it is not what finds the drift), {@code --quiet N} (2),
 * {@code --changes N} (6), {@code --timeout PT30M} (convergence).
 */
public final class DriftBenchmark {
  private DriftBenchmark() {}

  record Options(
      int groups, Duration interval, Duration resync, int quiet, int changes, Duration timeout) {
    static Options parse(String[] args) {
      int groups = 1000;
      Duration interval = PortcullisOperator.Settings.defaults().driftScanInterval();
      Duration resync = Duration.ofMinutes(30);
      int quiet = 2;
      int changes = 6;
      Duration timeout = Duration.ofMinutes(30);
      for (int i = 0; i < args.length; i += 2) {
        String a = args[i];
        String v = Objects.requireNonNull(i + 1 < args.length ? args[i + 1] : null, a);
        switch (a) {
          case "--groups" -> groups = Integer.parseInt(v);
          case "--interval" -> interval = Duration.parse(v);
          case "--resync" -> resync = Duration.parse(v);
          case "--quiet" -> quiet = Integer.parseInt(v);
          case "--changes" -> changes = Integer.parseInt(v);
          case "--timeout" -> timeout = Duration.parse(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return new Options(groups, interval, resync, quiet, changes, timeout);
    }
  }

  public static void main(String[] args) throws Exception {
    int status = run(Options.parse(args));
    System.exit(status);
  }

  /** Every tenth group reports drift instead of correcting it. */
  static boolean reports(int i) {
    return i % 10 == 3;
  }

  /** When each (group, event reason) was first seen, in {@link System#nanoTime}. */
  static final class EventWatch implements Watcher<Event> {
    final Map<String, Long> seen = new ConcurrentHashMap<>();

    @Override
    public void eventReceived(Action action, Event e) {
      if (action == Action.ADDED || action == Action.MODIFIED) {
        seen.putIfAbsent(e.getInvolvedObject().getName() + "/" + e.getReason(), System.nanoTime());
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      say("event watch closed: %s", cause == null ? "" : cause.getMessage());
    }
  }

  static int run(Options o) throws Exception {
    say(
        "drift: %,d SecurityGroups x %d rules on the simulator (throttling off, rate limit off),"
            + " drift scan every %s, resync %s",
        o.groups(), ConvergenceBenchmark.RULES_PER_GROUP, o.interval(), o.resync());
    TestCluster cluster = TestCluster.shared();
    KubernetesClient kube = cluster.client();
    String ns = cluster.newNamespace("drift-bench");
    Ec2Simulator sim = ConvergenceBenchmark.simulator(false);
    String vpc = ConvergenceBenchmark.VPC;
    MeterRegistry meters = new SimpleMeterRegistry();

    ConvergenceBenchmark.ReadyWatch ready = new ConvergenceBenchmark.ReadyWatch(o.groups());
    Watch readyWatch = kube.resources(SecurityGroup.class).inNamespace(ns).watch(ready);
    EventWatch events = new EventWatch();
    Watch eventWatch = kube.v1().events().inNamespace(ns).watch(events);
    KubernetesClient operatorClient = cluster.newClient();
    PortcullisOperator operator =
        PortcullisOperator.start(
            operatorClient,
            CloudBackend.simulator(sim),
            PortcullisOperator.Settings.defaults()
                .withRequestLimits(null)
                .withResync(o.resync())
                .withDriftScanInterval(o.interval())
                .withMeters(meters, true)
                .withNamespaces(Set.of(ns)));

    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> creates = new ArrayList<>();
    for (int i = 0; i < o.groups(); i++) {
      SecurityGroup sg = ConvergenceBenchmark.group(ns, vpc, i, o.groups());
      if (reports(i)) {
        sg.getSpec().setDriftPolicy(DriftPolicy.REPORT);
      }
      creates.add(
          pool.submit(
              () -> kube.resources(SecurityGroup.class).inNamespace(ns).resource(sg).create()));
    }
    for (Future<?> f : creates) {
      f.get();
    }
    pool.shutdown();
    if (!ready.await(o.timeout())) {
      say("NOT CONVERGED within %s: %,d Ready", o.timeout(), ready.readyCount());
      return 1;
    }
    say("all %,d Ready after %.1f s", o.groups(), seconds(System.nanoTime() - t0));

    // Let the reconciliations of convergence finish and one scan pass, then count quiet intervals.
    Thread.sleep(o.interval().toMillis() + 5_000);
    Map<String, Map<String, Long>> before = sim.calls().snapshot();
    long writesBefore = ready.writes();
    Timer scans = meters.find("portcullis.drift.scan.duration").timer();
    long scansBefore = scans == null ? 0 : scans.count();
    Thread.sleep(o.interval().multipliedBy(o.quiet()).toMillis());
    Map<String, Map<String, Long>> after = sim.calls().snapshot();
    long writes = ready.writes() - writesBefore;
    scans = meters.find("portcullis.drift.scan.duration").timer();
    say(
        "quiet: %d intervals, %d scans; per interval: %.1f SecurityGroup changes on the API"
            + " server, EC2 calls %s",
        o.quiet(),
        scans == null ? 0 : scans.count() - scansBefore,
        (double) writes / o.quiet(),
        perInterval(before, after, o.quiet()));
    if (scans != null) {
      say(
          "scan of the region: mean %.3f s, max %.3f s (%d scans)",
          scans.mean(TimeUnit.SECONDS), scans.max(TimeUnit.SECONDS), scans.count());
    }

    Random random = new Random(17);
    List<double[]> found = new ArrayList<>();
    Set<Integer> changedGroups = new HashSet<>();
    for (int c = 0; c < o.changes(); c++) {
      boolean report = c % 2 == 1;
      int i;
      do {
        i = random.nextInt(o.groups());
      } while (reports(i) != report || !changedGroups.add(i));
      String name = ConvergenceBenchmark.name(i);
      SecurityGroup sg = kube.resources(SecurityGroup.class).inNamespace(ns).withName(name).get();
      String groupId = sg.getStatus().getGroupId();
      Thread.sleep((long) (random.nextDouble() * o.interval().toMillis()));
      Rule extra =
          new Rule(Direction.INGRESS, Protocol.TCP, 40000 + c, 40000 + c, Cidr4.ANY, "by hand");
      long changed = System.nanoTime();
      sim.authorize(REGION, groupId, Direction.INGRESS, List.of(extra));
      String reason = report ? "DriftDetected" : "DriftCorrected";
      long meter = 0;
      long event = 0;
      long end = changed + o.interval().multipliedBy(4).toNanos();
      while ((meter == 0 || event == 0) && System.nanoTime() < end) {
        if (meter == 0 && driftMetered(meters, name, report)) {
          meter = System.nanoTime();
        }
        Long e = events.seen.get(name + "/" + reason);
        if (event == 0 && e != null) {
          event = e;
        }
        Thread.sleep(20);
      }
      double m = meter == 0 ? Double.NaN : seconds(meter - changed);
      double e = event == 0 ? Double.NaN : seconds(event - changed);
      found.add(new double[] {m, e});
      say(
          "change %d on %s (%s): drift meter after %.2f s, %s event after %.2f s",
          c + 1, name, report ? "Report" : "Correct", m, reason, e);
    }
    double worstMeter = found.stream().mapToDouble(f -> f[0]).max().orElse(Double.NaN);
    double worstEvent = found.stream().mapToDouble(f -> f[1]).max().orElse(Double.NaN);
    double meanEvent = found.stream().mapToDouble(f -> f[1]).average().orElse(Double.NaN);
    say(
        "from change to drift meter: worst %.2f s; to event: mean %.2f s, worst %.2f s (interval"
            + " %s)",
        worstMeter, meanEvent, worstEvent, o.interval());

    readyWatch.close();
    eventWatch.close();
    operator.close();
    operatorClient.close();
    return 0;
  }

  /** Whether the meters show drift on the group: reported rules, or a correction's timestamp. */
  static boolean driftMetered(MeterRegistry meters, String name, boolean report) {
    if (report) {
      Gauge g =
          meters
              .find("portcullis.security.group.drift.rules")
              .tags("name", name, "drift", "unexpected")
              .gauge();
      return g != null && g.value() > 0;
    }
    return meters
            .find("portcullis.security.group.drift.last.seen.timestamp")
            .tags("name", name)
            .gauge()
        != null;
  }

  /** Calls per interval by action (all outcomes), between two snapshots. */
  static Map<String, Double> perInterval(
      Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after, int intervals) {
    Map<String, Double> out = new TreeMap<>();
    after.forEach(
        (action, byOutcome) -> {
          long n = byOutcome.values().stream().mapToLong(Long::longValue).sum();
          long was =
              before.getOrDefault(action, Map.of()).values().stream()
                  .mapToLong(Long::longValue)
                  .sum();
          if (n > was) {
            out.put(action, (double) (n - was) / intervals);
          }
        });
    return out;
  }
}
