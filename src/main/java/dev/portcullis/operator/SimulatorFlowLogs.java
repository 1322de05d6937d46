package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/** The flow logs of the simulator's synthetic traffic, pumped into the flow meters. */
final class SimulatorFlowLogs {
  private SimulatorFlowLogs() {}

  /**
   * Starts a pump that, every {@code interval}, moves the simulator's traffic up to now, reads its
   * records and attributes them against its state and the attachments the API server holds.
   */
  static FlowLogPump pump(
      Ec2Simulator sim, KubernetesClient client, MeterRegistry registry, Duration interval) {
    return new FlowLogPump(
            sim.flowLogs(),
            sim::estate,
            () ->
                client.resources(SecurityGroupAttachment.class).inAnyNamespace().list().getItems(),
            new FlowMeters(registry),
            sim::tick,
            System::nanoTime)
        .start(interval);
  }
}
