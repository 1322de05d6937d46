package dev.portcullis.bench;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.awaitility.Awaitility.await;

import dev.portcullis.it.Replicas;
import dev.portcullis.it.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long replicas with leader election leave EC2 without a leader: two operator processes on the
 * test cluster's API server and the simulator's EC2 endpoint ({@link Replicas}, as {@code
 * FailoverIT} runs them), the leader stopped while {@code --groups} SecurityGroups converge, by
 * SIGKILL (a crash) and by SIGTERM (a rolling update). Per round it reports, from the signal: the
 * old leader's exit, the standby holding the Lease, its first EC2 call, and every group Ready.
 *
 * <pre>
 * mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.portcullis.bench.FailoverBenchmark \
 *   -Dbench.args="--rounds 3 --groups 100"
 * </pre>
 */
public final class FailoverBenchmark {
  private FailoverBenchmark() {}

  private record Round(String signal, long exited, long leads, long calls, long ready) {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int groups = 100;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--groups" -> groups = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (System.getProperty(TestCluster.MODE_PROPERTY) == null) {
      System.setProperty(TestCluster.MODE_PROPERTY, "apiserver");
    }
    int code = 0;
    try {
      run(rounds, groups);
    } catch (Throwable t) {
      t.printStackTrace();
      code = 1;
    }
    System.out.flush();
    System.exit(code);
  }

  static void run(int rounds, int groups) throws Exception {
    System.out.printf(
        "failover: %d rounds per signal, %d SecurityGroups converging, lease %s%n",
        rounds, groups, Replicas.LEASE_DURATION);
    List<Round> all = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      for (boolean kill : new boolean[] {true, false}) {
        Round round = round(kill, r, groups);
        all.add(round);
        System.out.printf(
            "%s round %d: old leader exited %d ms, standby leads %d ms, first EC2 call %d ms,"
                + " all Ready %d ms after the signal%n",
            round.signal(), r + 1, round.exited(), round.leads(), round.calls(), round.ready());
      }
    }
    for (String signal : List.of("SIGKILL", "SIGTERM")) {
      List<Round> of = all.stream().filter(x -> x.signal().equals(signal)).toList();
      System.out.printf(
          "%s: standby leads after %s ms, first EC2 call after %s ms (min / median / max)%n",
          signal,
          spread(of.stream().map(Round::leads).toList()),
          spread(of.stream().map(Round::calls).toList()));
    }
  }

  private static String spread(List<Long> values) {
    List<Long> v = values.stream().sorted().toList();
    return v.get(0) + " / " + v.get(v.size() / 2) + " / " + v.get(v.size() - 1);
  }

  private static Round round(boolean kill, int r, int groups) throws Exception {
    String signal = kill ? "SIGKILL" : "SIGTERM";
    Path home = Files.createTempDirectory("failover-bench");
    try (Replicas replicas = new Replicas("bench-" + (kill ? "kill" : "term") + "-" + r, home)) {
      Replicas.Replica a = replicas.start("replica-a");
      until(a::holdsLease);
      // The standby starts with half the resources there, as in a rolling update.
      replicas.applyGroups(groups / 2);
      Replicas.Replica b = replicas.start("replica-b");
      replicas.applyGroups(groups / 2, groups);
      until(() -> replicas.managedGroups().size() >= groups / 4);
      if (b.ec2Requests() != 0) {
        throw new IllegalStateException("the standby called EC2 before it led");
      }
      long start = System.nanoTime();
      AtomicLong exited = new AtomicLong();
      a.process.onExit().thenRun(() -> exited.set(System.nanoTime()));
      if (kill) {
        a.kill();
      } else {
        a.terminate();
      }
      long leads = until(b::holdsLease) - start;
      long calls = until(() -> b.ec2Requests() > 0) - start;
      long ready = until(() -> replicas.readyGroups() == groups) - start;
      until(() -> exited.get() != 0);
      return new Round(signal, ms(exited.get() - start), ms(leads), ms(calls), ms(ready));
    }
  }

  /** Waits for {@code what}, polling every 50 ms; returns System.nanoTime() when it held. */
  private static long until(Callable<Boolean> what) {
    await().atMost(5, MINUTES).pollInterval(50, MILLISECONDS).until(what);
    return System.nanoTime();
  }

  private static long ms(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
