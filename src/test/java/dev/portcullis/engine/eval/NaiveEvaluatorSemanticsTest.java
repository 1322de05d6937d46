package dev.portcullis.engine.eval;

/** The EC2 semantics, held by the reference scan. */
class NaiveEvaluatorSemanticsTest extends EvaluationSemanticsContract {
  @Override
  protected FlowEvaluator evaluator(Estate estate) {
    return Evaluators.naive(estate);
  }
}
