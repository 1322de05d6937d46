package dev.portcullis.bench;

import dev.portcullis.engine.Ip;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.EstateGenerator;
import dev.portcullis.engine.eval.Evaluators;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.InstanceState;
import dev.portcullis.engine.eval.NaiveEvaluator;
import dev.portcullis.engine.eval.Reason;
import dev.portcullis.engine.eval.Source;
import dev.portcullis.engine.eval.Verdict;
import dev.portcullis.engine.eval.flowlog.Attribution;
import dev.portcullis.engine.eval.flowlog.Attributor;
import dev.portcullis.engine.eval.flowlog.FlowLogFormat;
import dev.portcullis.engine.eval.flowlog.FlowLogParser;
import dev.portcullis.engine.eval.flowlog.FlowTally;
import dev.portcullis.engine.eval.flowlog.Owner;
import dev.portcullis.engine.eval.flowlog.PortLabels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

/**
 * Flow log attribution throughput, one thread: recorded lines in EC2's default format, each parsed,
 * its interface found, a rejected packet decided against the interface's groups, and counted. The
 * estate is {@link EvaluationBenchmark}'s (1,000 groups of 50 rules, 10,000 instances); the lines
 * are its realistic flows written as the records VPC Flow Logs would hold for them (an ingress
 * record on the destination's interface, or for every other flow from an instance an egress record
 * on the source's), accepted or rejected as the evaluator decides them, 1 Mi lines walked in order,
 * a batch per invocation. Every 64th interface belongs to an attachment.
 *
 * <p>See docs/benchmarks.md for how to run it and the recorded figures.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class AttributionBenchmark {
  static final int LINES = 1 << 20;
  static final int BATCH = 1024;

  private String[] lines;
  private FlowLogParser parser;
  private Attributor attributor;
  private int cursor;

  @Setup(Level.Trial)
  public void setUp() {
    Estate estate = EvaluationBenchmark.largeEstate();
    NaiveEvaluator naive = Evaluators.naive(estate);
    Map<String, InstanceState> byId = new HashMap<>();
    Map<String, Owner> owners = new HashMap<>();
    int n = 0;
    for (InstanceState i : estate.instances()) {
      byId.put(i.instanceId(), i);
      if (n++ % 64 == 0) {
        owners.put(i.primary().interfaceId(), new Owner("ns-" + n % 7, "attachment-" + n));
      }
    }
    parser = new FlowLogParser(FlowLogFormat.DEFAULT);
    attributor = Attributor.of(estate, owners, PortLabels.of(List.of(8080, 8443, 5432, 6379)));
    List<Flow> flows = EstateGenerator.realisticFlows(estate, 7, LINES);
    lines = new String[LINES];
    for (int k = 0; k < LINES; k++) {
      lines[k] = record(flows.get(k), k, byId, naive);
    }
    FlowTally mix = FlowTally.of(List.of(lines), parser, attributor);
    Map<String, Long> reasons = new TreeMap<>();
    mix.flows().forEach((key, c) -> reasons.merge(key.reason().label(), c.flows(), Long::sum));
    mix.skipped().forEach((skip, c) -> reasons.merge("skipped " + skip.label(), c, Long::sum));
    System.out.printf("%nlines: %d, %s, %d series%n", LINES, reasons, mix.flows().size());
  }

  /** The record VPC Flow Logs would write for one connection of a flow. */
  private static String record(
      Flow f, int k, Map<String, InstanceState> byId, NaiveEvaluator naive) {
    InstanceState dst = byId.get(f.destinationInstanceId());
    InstanceState src = f.source() instanceof Source.Instance si ? byId.get(si.instanceId()) : null;
    Decision d = naive.decide(f);
    boolean sameVpc =
        src != null && src.region().equals(dst.region()) && src.vpcId().equals(dst.vpcId());
    int srcIp =
        src == null
            ? ((Source.Address4) f.source()).address()
            : sameVpc || src.primary().publicIp() == null
                ? src.primary().privateIp()
                : src.primary().publicIp();
    int dstIp = sameVpc ? dst.primary().privateIp() : dst.primary().privateIp();
    boolean egressRecord = src != null && k % 2 == 0;
    String eni = egressRecord ? src.primary().interfaceId() : dst.primary().interfaceId();
    boolean rejected =
        egressRecord ? d.reason() == Reason.NO_EGRESS_RULE : d.verdict() == Verdict.TIMED_OUT;
    return "2 123456789012 "
        + eni
        + " "
        + Ip.format4(egressRecord ? src.primary().privateIp() : srcIp)
        + " "
        + Ip.format4(dstIp)
        + " "
        + (32768 + k % 28000)
        + " "
        + f.port()
        + " "
        + f.protocol().number()
        + " "
        + (1 + k % 20)
        + " "
        + (60 + k % 9000)
        + " 1700000000 1700000060 "
        + (rejected ? "REJECT" : "ACCEPT")
        + " OK";
  }

  private int nextBatch() {
    int from = cursor;
    cursor = (cursor + BATCH) & (LINES - 1);
    return from;
  }

  /**
   * Per core, whatever else the machine runs: the lines tallied in batches, passes over all of them
   * timed by the thread's CPU time as well as the wall clock, so that a figure taken on shared
   * cores still says what one core does. Arguments: passes (default 12); the first third warms up.
   */
  public static void main(String[] args) {
    int passes = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    AttributionBenchmark b = new AttributionBenchmark();
    b.setUp();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<Double> perCpuSecond = new ArrayList<>();
    for (int pass = 0; pass < passes; pass++) {
      long cpu = mx.getCurrentThreadCpuTime();
      long wall = System.nanoTime();
      int sink = 0;
      for (int batch = 0; batch < LINES / BATCH; batch++) {
        sink += b.tally();
      }
      double cpuSeconds = (mx.getCurrentThreadCpuTime() - cpu) / 1e9;
      double wallSeconds = (System.nanoTime() - wall) / 1e9;
      System.out.printf(
          "pass %d: %.0f lines per CPU second, %.0f per wall second (%d)%n",
          pass, LINES / cpuSeconds, LINES / wallSeconds, sink);
      if (pass >= passes / 3) {
        perCpuSecond.add(LINES / cpuSeconds);
      }
    }
    perCpuSecond.sort(null);
    System.out.printf(
        "tally, lines per CPU second over %d measured passes: median %.0f, min %.0f, max %.0f%n",
        perCpuSecond.size(),
        perCpuSecond.get(perCpuSecond.size() / 2),
        perCpuSecond.get(0),
        perCpuSecond.get(perCpuSecond.size() - 1));
  }

  /** Parse and attribute each line (what the counting adds is in {@link #tally}). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int attribute() {
    int from = nextBatch();
    int sum = 0;
    for (int i = from; i < from + BATCH; i++) {
      FlowLogParser.Parsed p = parser.parse(lines[i]);
      if (p.record() != null) {
        Attribution a = attributor.attribute(p.record());
        sum += a.attributed() ? a.key().reason().ordinal() : -1;
      }
    }
    return sum;
  }

  /** Parse, attribute and count each line into a batch's tally, as the operator reads a page. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int tally() {
    int from = nextBatch();
    FlowTally t = new FlowTally();
    for (int i = from; i < from + BATCH; i++) {
      t.add(lines[i], parser, attributor);
    }
    return t.flows().size();
  }
}
