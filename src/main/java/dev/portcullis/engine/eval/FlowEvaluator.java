package dev.portcullis.engine.eval;

/** Decides flows over one {@link Estate}. Implementations are immutable and thread-safe. */
public interface FlowEvaluator {
  /** The verdict alone: the fast path. */
  Verdict verdict(Flow flow);

  /** The verdict with the rules that decided it and a sentence a user can read. */
  Decision decide(Flow flow);
}
