package dev.portcullis.bench;

import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.EstateGenerator;
import dev.portcullis.engine.eval.Evaluators;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.FlowEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What one decision costs when the evaluator is built for it, as the reachability checks, the
 * offline command and the AWS estate use one: building the evaluator over an estate, then one
 * {@code decide()}. Run from the project's folder (it reads the examples' worlds) as a main class
 * of the test classpath (see docs/benchmarks.md); not JMH, because each measurement is a single
 * shot.
 *
 * <p>For each estate and evaluator it builds and decides {@code reps} times and prints the first
 * time (a cold JVM) and the median and fastest of the second half (warm).
 */
public final class OneDecisionBenchmark {
  private static long sink;

  private OneDecisionBenchmark() {}

  public static void main(String[] args) throws IOException {
    List<Path> worlds;
    try (Stream<Path> dirs = Files.list(Path.of("examples"))) {
      worlds =
          dirs.sorted().map(d -> d.resolve("world.yaml")).filter(Files::isRegularFile).toList();
    }
    Estate examples =
        Ec2Simulator.builder().world(WorldLoader.load(worlds, Quotas.DEFAULT)).build().estate();
    measure("the five examples", examples, 400);
    measure("100 groups, 1,000 instances", EstateGenerator.realistic(42, 2, 100, 20, 1_000), 400);
    measure("1,000 groups, 10,000 instances", EvaluationBenchmark.largeEstate(), 12);
    System.out.println("(checksum " + sink + ")");
  }

  private static void measure(String name, Estate estate, int reps) {
    List<Flow> flows = EstateGenerator.realisticFlows(estate, 7, 64);
    List<Function<Estate, FlowEvaluator>> makers = List.of(Evaluators::naive, Evaluators::indexed);
    List<String> names = List.of("NaiveEvaluator", "IndexedEvaluator");
    for (int m = 0; m < makers.size(); m++) {
      long[] nanos = new long[reps];
      for (int r = 0; r < reps; r++) {
        long start = System.nanoTime();
        FlowEvaluator evaluator = makers.get(m).apply(estate);
        sink += evaluator.decide(flows.get(r % flows.size())).explanation().length();
        nanos[r] = System.nanoTime() - start;
      }
      long[] warm = Arrays.copyOfRange(nanos, reps / 2, reps);
      Arrays.sort(warm);
      System.out.printf(
          "%-32s %-16s first %9.3f ms, warm median %9.3f ms, fastest %9.3f ms%n",
          name, names.get(m), nanos[0] / 1e6, warm[warm.length / 2] / 1e6, warm[0] / 1e6);
    }
  }
}
