package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.FlowEvaluator;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The world's synthetic traffic: each flow's connections, generated at the flow's rate over
 * simulated time and counted per verdict in {@link TrafficCounters}, against the security groups
 * and attachments of the moment, and logged as VPC Flow Logs would log them ({@link
 * SimulatedFlowLogs}, written by {@link FlowRecordWriter}). Arrivals are spread evenly: a flow of
 * 2.5 per second sends 2 connections in its first second and 3 in its second.
 *
 * <p>Not thread-safe: the simulator calls it under its lock, and hands it the evaluator of its
 * current state, which is built only when there is traffic to decide.
 */
final class SyntheticTraffic {
  private final List<World.TrafficFlow> flows;
  private final Map<String, Progress> progress = new HashMap<>();
  private final TrafficCounters counters = new TrafficCounters();
  private final SimulatedFlowLogs logs = new SimulatedFlowLogs();

  /** The records' times: seconds since the epoch at the simulator's start, plus simulated time. */
  static final long START_EPOCH_SECOND = 1_700_000_000L;

  private long lastTickNanos;

  /** How far a traffic flow has run: simulated time, and connections generated in it. */
  private static final class Progress {
    long elapsedNanos;
    long sent;
  }

  /**
   * @param startNanos the time of the simulator's clock at its creation, for the first {@link
   *     #tick}
   */
  SyntheticTraffic(List<World.TrafficFlow> flows, long startNanos) {
    this.flows = List.copyOf(flows);
    this.lastTickNanos = startNanos;
    for (World.TrafficFlow f : flows) {
      counters.register(f.name());
      progress.put(f.name(), new Progress());
    }
  }

  /** Connections generated so far, per flow and verdict; thread-safe. */
  TrafficCounters counters() {
    return counters;
  }

  /** The flow log records of the connections generated so far; thread-safe. */
  SimulatedFlowLogs logs() {
    return logs;
  }

  /** Generates every flow's connections for {@code elapsed} of simulated time. */
  void advance(Duration elapsed, Supplier<FlowEvaluator> evaluator, Supplier<Estate> estate) {
    if (flows.isEmpty()) {
      return;
    }
    FlowEvaluator ev = evaluator.get();
    FlowRecordWriter writer = null;
    for (World.TrafficFlow f : flows) {
      Progress p = progress.get(f.name());
      p.elapsedNanos += elapsed.toNanos();
      // The tolerance absorbs rounding, so that 3 connections due never come out as 2.999...
      long due = (long) Math.floor(p.elapsedNanos / 1e9 * f.ratePerSecond() + 1e-9);
      long n = due - p.sent;
      if (n > 0) {
        Decision d = ev.decide(f.flow());
        counters.add(f.name(), d.verdict(), n);
        if (writer == null) {
          writer = new FlowRecordWriter(estate.get());
        }
        writer.write(f, d, n, START_EPOCH_SECOND + p.elapsedNanos / 1_000_000_000L, logs);
        p.sent = due;
      }
    }
  }

  /** Generates traffic for the time the clock moved since the last tick (or since creation). */
  void tick(long nowNanos, Supplier<FlowEvaluator> evaluator, Supplier<Estate> estate) {
    long elapsed = nowNanos - lastTickNanos;
    lastTickNanos = nowNanos;
    if (elapsed > 0) {
      advance(Duration.ofNanos(elapsed), evaluator, estate);
    }
  }
}
