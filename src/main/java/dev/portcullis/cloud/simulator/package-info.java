/**
 * The built-in EC2 simulator: an in-memory {@link dev.portcullis.cloud.CloudPort} that answers as
 * EC2 does (error codes, quotas, request throttling, eventual consistency), holds its state in the
 * engine's canonical values, and evaluates synthetic traffic with a {@link
 * dev.portcullis.engine.eval.FlowEvaluator}. A {@link dev.portcullis.cloud.simulator.World} file
 * declares what exists at the start. See {@code docs/simulator.md}.
 */
package dev.portcullis.cloud.simulator;
