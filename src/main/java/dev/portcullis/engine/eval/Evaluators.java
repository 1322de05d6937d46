package dev.portcullis.engine.eval;

/** Where evaluators come from. */
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
}
