/**
 * The rule engine: EC2 security-group semantics as pure values and functions.
 *
 * <p>Nothing here performs I/O or knows about Kubernetes or AWS; a build check ({@code
 * EngineIsPureTest}) keeps it that way. Everything above (the simulator, the AWS adapter, the
 * reconcilers, the offline command) goes through these types:
 *
 * <ul>
 *   <li>{@link dev.portcullis.engine.RuleSpec} is what a user wrote; {@link
 *       dev.portcullis.engine.Canonicalizer} validates it and turns it into canonical {@link
 *       dev.portcullis.engine.Rule}s, one peer each;
 *   <li>{@link dev.portcullis.engine.Planner} diffs desired and observed rules into a {@link
 *       dev.portcullis.engine.Plan};
 *   <li>{@link dev.portcullis.engine.eval.Estate} plus an evaluator decides whether a flow is
 *       allowed, and explains why.
 * </ul>
 */
package dev.portcullis.engine;
