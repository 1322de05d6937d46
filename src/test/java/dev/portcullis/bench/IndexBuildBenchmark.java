package dev.portcullis.bench;

import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.Evaluators;
import dev.portcullis.engine.eval.IndexedEvaluator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long building the indexed evaluator takes for the estate of {@link EvaluationBenchmark}, and
 * (run as a program) how much heap it keeps.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class IndexBuildBenchmark {
  private Estate estate;

  @Setup
  public void setUp() {
    estate = EvaluationBenchmark.largeEstate();
  }

  @Benchmark
  public IndexedEvaluator build() {
    return Evaluators.indexed(estate);
  }

  /** Prints the heap the estate, the indexed evaluator and the reference scan each keep. */
  public static void main(String[] args) {
    long base = usedAfterGc();
    Estate estate = EvaluationBenchmark.largeEstate();
    long withEstate = usedAfterGc();
    IndexedEvaluator indexed = Evaluators.indexed(estate);
    long withIndex = usedAfterGc();
    Object naive = Evaluators.naive(estate);
    long withNaive = usedAfterGc();
    System.out.printf(
        "estate %.1f MiB; indexed evaluator %.1f MiB (%s); reference scan %.1f MiB%n",
        (withEstate - base) / 1048576.0,
        (withIndex - withEstate) / 1048576.0,
        indexed,
        (withNaive - withIndex) / 1048576.0);
    // Keep everything reachable until measured.
    System.out.println(estate.groups().size() + indexed.instanceCount() + naive.hashCode() * 0);
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
