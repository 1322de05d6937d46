package dev.portcullis.operator;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.FlowLogSource;
import dev.portcullis.cloud.aws.AwsEstate;
import dev.portcullis.cloud.aws.CloudWatchFlowLogs;
import dev.portcullis.cloud.aws.FlowLogCheckpoints;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.eval.Estate;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's flow log pumps: the simulator's synthetic traffic, or a CloudWatch Logs group of
 * VPC Flow Logs in one AWS region. Records are attributed against the cloud's state at each read
 * and the attachments the operator's informer holds: those of the namespaces it watches and its
 * shard, so that an operator allowed to read only those needs no more, and each read asks the API
 * server nothing.
 */
final class FlowLogSources {
  private FlowLogSources() {}

  /** Moves the simulator's traffic up to now before each read of its records. */
  static FlowLogPump simulator(
      Ec2Simulator sim,
      OperatorContext op,
      MeterRegistry registry,
      Duration interval,
      BooleanSupplier when) {
    return start(sim.flowLogs(), sim::estate, op, registry, sim::tick, interval, when);
  }

  /**
   * Reads {@code logGroup} of {@code region}; the region's groups and instances are described at
   * each read that found records.
   *
   * @param endpoint CloudWatch Logs' endpoint, or null for the region's own
   * @param checkpoints where the reader keeps its checkpoint across restarts
   * @param when whether to read at a given interval (while this replica leads)
   */
  static FlowLogPump cloudWatch(
      CloudPort port,
      String region,
      String logGroup,
      String format,
      URI endpoint,
      FlowLogCheckpoints checkpoints,
      OperatorContext op,
      MeterRegistry registry,
      Duration interval,
      BooleanSupplier when) {
    CloudWatchFlowLogs source =
        CloudWatchFlowLogs.of(
            region, logGroup, endpoint, null, format, System::currentTimeMillis, checkpoints);
    return start(
        source, () -> AwsEstate.read(port, region), op, registry, () -> {}, interval, when);
  }

  private static FlowLogPump start(
      FlowLogSource source,
      Supplier<Estate> estate,
      OperatorContext op,
      MeterRegistry registry,
      Runnable beforeRead,
      Duration interval,
      BooleanSupplier when) {
    return new FlowLogPump(
            source,
            estate,
            op.watchedAttachments(),
            new FlowMeters(registry),
            beforeRead,
            System::nanoTime,
            op.denials())
        .start(interval, when);
  }
}
