package dev.portcullis.engine.eval;

/** The EC2 semantics, held by the indexed evaluator. */
class IndexedEvaluatorSemanticsTest extends EvaluationSemanticsContract {
  @Override
  protected FlowEvaluator evaluator(Estate estate) {
    return Evaluators.indexed(estate);
  }
}
