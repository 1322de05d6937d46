package dev.portcullis.engine.eval;

/** Where evaluators come from, and which one a caller needs. */
public final class Evaluators {
  private Evaluators() {}

  /** The reference evaluator: scans every rule; for tests and small estates. */
  public static NaiveEvaluator naive(Estate estate) {
    return new NaiveEvaluator(estate);
  }

  /**
   * The indexed evaluator: builds its index once (linear in the number of rules and instances),
   * then decides each flow in a few binary searches.
   */
  public static IndexedEvaluator indexed(Estate estate) {
    return new IndexedEvaluator(estate);
  }

  /**
   * The evaluator for a few decisions with their explanations over an estate that changes between
   * them: a reachability check of the operator, the offline command's questions, a region of AWS
   * read for a check (and the simulator's synthetic traffic, a few verdicts a step). Each builds an
   * evaluator for the state it sees and asks it a handful of questions before the state changes
   * again, so what counts is building plus one decision, and the reference scan wins:
   *
   * <table>
   *   <caption>Build plus one {@code decide()}, warm median (OneDecisionBenchmark)</caption>
   *   <tr><th>estate</th><th>NaiveEvaluator</th><th>IndexedEvaluator</th></tr>
   *   <tr><td>the five examples (11 groups, 13 instances)</td><td>0.01 ms</td><td>0.24 ms</td></tr>
   *   <tr><td>100 groups, 1,000 instances</td><td>0.19 ms</td><td>6 to 8 ms</td></tr>
   *   <tr><td>1,000 groups of 50 rules, 10,000 instances</td><td>10 ms</td><td>98 to 113 ms</td></tr>
   * </table>
   *
   * <p>Once built, a {@code decide()} costs about 1.0 µs with the index and 1.1 to 1.6 µs with the
   * scan on the largest estate (EvaluationBenchmark's {@code indexedDecide} and {@code
   * naiveDecide}), so the index's build pays for itself only after some 140,000 to over a million
   * decisions over one state. Verdicts in bulk over a state that stays, as in the benchmarks, are
   * what {@link #indexed} is for. docs/benchmarks.md has the figures and how they were measured.
   */
  public static FlowEvaluator forDecisions(Estate estate) {
    return naive(estate);
  }
}
