package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.BASTION;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.DenialSummary;
import dev.portcullis.api.v1alpha1.DeniedFlow;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.operator.FlowLogPump;
import dev.portcullis.operator.FlowMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo world's synthetic traffic (SSH to the bastion from the office, which its group lets in,
 * and from elsewhere, which it drops), read as flow logs every second: the bastion's SecurityGroup
 * shows what it has been blocking in its status, from where, and why.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class DenialSummaryIT {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  @Test
  void theGroupOnTheBastionShowsTheSshItDropsWithCountsAndReason() {
    try (OperatorRun run = new OperatorRun("denials").start()) {
      run.apply(
          SecurityGroup.class,
          SecurityGroupIT.sg(
              "ssh-from-office",
              "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 203.0.113.0/24}]\n"));
      run.awaitCondition(SecurityGroup.class, "ssh-from-office", "Ready", "True");
      run.apply(
          SecurityGroupAttachment.class,
          AttachmentIT.attachment("bastion", "[ssh-from-office]", "{ids: [" + BASTION + "]}"));
      run.awaitCondition(SecurityGroupAttachment.class, "bastion", "Ready", "True");

      FlowLogPump pump =
          new FlowLogPump(
                  run.sim.flowLogs(),
                  run.sim::estate,
                  run.operator().context().watchedAttachments(),
                  new FlowMeters(new SimpleMeterRegistry()),
                  run.sim::tick,
                  System::nanoTime,
                  run.operator().context().denials())
              .start(INTERVAL, () -> true);
      try {
        DenialSummary[] seen = new DenialSummary[1];
        await()
            .atMost(30, SECONDS)
            .pollInterval(250, MILLISECONDS)
            .alias("status.denials of ssh-from-office names SSH from 192.0.2.0/24")
            .untilAsserted(
                () -> {
                  DenialSummary d =
                      run.get(SecurityGroup.class, "ssh-from-office").getStatus().getDenials();
                  seen[0] = d;
                  assertThat(d).isNotNull();
                  assertThat(d.getTop())
                      .isNotEmpty()
                      .allSatisfy(
                          f -> {
                            assertThat(f.getCount()).isPositive();
                            assertThat(f)
                                .usingRecursiveComparison()
                                .ignoringFields("count")
                                .isEqualTo(
                                    new DeniedFlow(
                                        null,
                                        "ingress",
                                        "tcp",
                                        22,
                                        "192.0.2.0/24",
                                        "no_ingress_rule"));
                          });
                });
        DenialSummary d = seen[0];
        assertThat(d.getRejected()).isEqualTo(d.getTop().get(0).getCount());
        Duration window =
            Duration.between(Instant.parse(d.getSince()), Instant.parse(d.getUntil()));
        assertThat(window).as("one read's window").isBetween(Duration.ZERO, Duration.ofSeconds(5));
      } finally {
        pump.close();
      }
    }
  }
}
