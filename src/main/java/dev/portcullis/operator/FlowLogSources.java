package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.FlowLogSource;
import dev.portcullis.cloud.aws.AwsEstate;
import dev.portcullis.cloud.aws.CloudWatchFlowLogs;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.eval.Estate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The operator's flow log pumps: the simulator's synthetic traffic, or a CloudWatch Logs group of
 * VPC Flow Logs in one AWS region. Records are attributed against the cloud's state at each read
 * and the attachments the API server holds.
 */
final class FlowLogSources {
  private FlowLogSources() {}

  /** Moves the simulator's traffic up to now before each read of its records. */
  static FlowLogPump simulator(
      Ec2Simulator sim,
      KubernetesClient client,
      OperatorContext op,
      MeterRegistry registry,
      Duration interval) {
    return start(sim.flowLogs(), sim::estate, client, op, registry, sim::tick, interval);
  }

  /**
   * Reads {@code logGroup} of {@code region}; the region's groups and instances are described at
   * each read that found records.
   *
   * @param endpoint CloudWatch Logs' endpoint, or null for the region's own
   */
  static FlowLogPump cloudWatch(
      CloudPort port,
      String region,
      String logGroup,
      String format,
      URI endpoint,
      KubernetesClient client,
      OperatorContext op,
      MeterRegistry registry,
      Duration interval) {
    CloudWatchFlowLogs source =
        CloudWatchFlowLogs.of(region, logGroup, endpoint, null, format, System::currentTimeMillis);
    return start(
        source, () -> AwsEstate.read(port, region), client, op, registry, () -> {}, interval);
  }

  private static FlowLogPump start(
      FlowLogSource source,
      Supplier<Estate> estate,
      KubernetesClient client,
      OperatorContext op,
      MeterRegistry registry,
      Runnable beforeRead,
      Duration interval) {
    Supplier<Collection<SecurityGroupAttachment>> attachments =
        () -> client.resources(SecurityGroupAttachment.class).inAnyNamespace().list().getItems();
    return new FlowLogPump(
            source,
            estate,
            attachments,
            new FlowMeters(registry),
            beforeRead,
            System::nanoTime,
            op.denials())
        .start(interval);
  }
}
