package dev.portcullis.bench;

import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.EstateGenerator;
import dev.portcullis.engine.eval.Evaluators;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.IndexedEvaluator;
import dev.portcullis.engine.eval.NaiveEvaluator;
import dev.portcullis.engine.eval.Source;
import dev.portcullis.engine.eval.Verdict;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Flow evaluation throughput on a production-sized estate (1,000 groups of 50 rules, 10,000
 * instances with 1 to 5 groups), one thread. The flows are drawn once at random over the whole
 * estate into an array far larger than the CPU caches and walked in order, a batch per invocation,
 * so every figure is per flow and none is a cache-resident best case. Every method walks the same
 * flows: the int-handle path reads them resolved to instance handles, the others as {@link Flow}s.
 *
 * <p>See docs/benchmarks.md for how to run it and the recorded figures.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
// AlwaysPreTouch: the heap's pages are touched when the JVM starts, not the first time the young
// generation grows over them during a measurement; on this VM a first touch is costly enough to
// slow the allocating methods (decide) by half or more for whole iterations.
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class EvaluationBenchmark {
  /** 4 Mi flows: 64 MiB as packed ints, and more as objects; twice the largest cache here. */
  static final int FLOWS = 1 << 22;

  static final int BATCH = 1024;

  private static final int STRIDE = 4;

  private IndexedEvaluator indexed;
  private NaiveEvaluator naive;
  private Flow[] flows;

  /**
   * Per flow: source instance handle (or -1), source address, destination handle, and the protocol
   * number in the top 8 bits above the port (or ICMP type) as a signed 24-bit number.
   */
  private int[] packed;

  private int cursor;

  /**
   * The estate measured: 2 regions of 5 VPCs, 1,000 groups of 50 rules, 10,000 instances with 1 to
   * 5 groups each.
   */
  static Estate largeEstate() {
    return EstateGenerator.realistic(42, 5, 1_000, 50, 10_000);
  }

  @Setup(Level.Trial)
  public void setUp() {
    Estate estate = largeEstate();
    long start = System.nanoTime();
    indexed = Evaluators.indexed(estate);
    long built = System.nanoTime() - start;
    naive = Evaluators.naive(estate);
    List<Flow> generated = EstateGenerator.realisticFlows(estate, 7, FLOWS);
    flows = generated.toArray(new Flow[0]);
    packed = new int[FLOWS * STRIDE];
    for (int i = 0; i < FLOWS; i++) {
      Flow f = flows[i];
      int at = i * STRIDE;
      if (f.source() instanceof Source.Instance si) {
        packed[at] = indexed.instanceIndex(si.instanceId());
      } else {
        packed[at] = -1;
        packed[at + 1] = ((Source.Address4) f.source()).address();
      }
      packed[at + 2] = indexed.instanceIndex(f.destinationInstanceId());
      packed[at + 3] = (f.protocol().number() << 24) | (f.port() & 0xffffff);
    }
    Map<Verdict, Integer> mix = new EnumMap<>(Verdict.class);
    for (Flow f : flows) {
      mix.merge(indexed.verdict(f), 1, Integer::sum);
    }
    System.out.printf(
        "%nestate: %s; index built in %d ms; flows: %d, verdicts %s%n",
        indexed, built / 1_000_000, FLOWS, mix);
  }

  private int nextBatch() {
    int from = cursor;
    cursor = (cursor + BATCH) & (FLOWS - 1);
    return from;
  }

  /** (a) The indexed verdict on int handles. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int indexedVerdict() {
    int from = nextBatch();
    int sum = 0;
    int[] p = packed;
    for (int i = from * STRIDE, end = (from + BATCH) * STRIDE; i < end; i += STRIDE) {
      int src = p[i];
      int dst = p[i + 2];
      int protocol = p[i + 3] >>> 24;
      int port = (p[i + 3] << 8) >> 8;
      Verdict v =
          src >= 0
              ? indexed.verdict(src, dst, protocol, port)
              : indexed.verdictFromAddress(p[i + 1], dst, protocol, port);
      sum += v.ordinal();
    }
    return sum;
  }

  /**
   * A diagnostic, not a target: (a) on the first 256 flows only, over and over, so that everything
   * they read stays in cache. The gap to (a) is the cost of memory latency.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int indexedVerdictCacheResident() {
    int sum = 0;
    int[] p = packed;
    for (int n = 0; n < BATCH / 256; n++) {
      for (int i = 0; i < 256 * STRIDE; i += STRIDE) {
        int src = p[i];
        int dst = p[i + 2];
        int protocol = p[i + 3] >>> 24;
        int port = (p[i + 3] << 8) >> 8;
        Verdict v =
            src >= 0
                ? indexed.verdict(src, dst, protocol, port)
                : indexed.verdictFromAddress(p[i + 1], dst, protocol, port);
        sum += v.ordinal();
      }
    }
    return sum;
  }

  /** (a') The indexed verdict on {@link Flow}s, ids resolved by hash lookups on every flow. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int indexedVerdictOfFlow() {
    int from = nextBatch();
    int sum = 0;
    for (int i = from; i < from + BATCH; i++) {
      sum += indexed.verdict(flows[i]).ordinal();
    }
    return sum;
  }

  /** (b) The reference scan's verdict (no explanation written) on the same flows. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int naiveVerdict() {
    int from = nextBatch();
    int sum = 0;
    for (int i = from; i < from + BATCH; i++) {
      sum += naive.verdict(flows[i]).ordinal();
    }
    return sum;
  }

  /** (c) The indexed decision with its explanation written out. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void indexedDecide(Blackhole bh) {
    int from = nextBatch();
    for (int i = from; i < from + BATCH; i++) {
      bh.consume(indexed.decide(flows[i]));
    }
  }

  /** The reference scan's decision with its explanation, for comparison with (c). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void naiveDecide(Blackhole bh) {
    int from = nextBatch();
    for (int i = from; i < from + BATCH; i++) {
      bh.consume(naive.decide(flows[i]));
    }
  }
}
