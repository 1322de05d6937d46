package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.sync.Retry;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a SecurityGroup's status says while its group waits for its turn to be created. */
class SecurityGroupStatusDraftTest {
  final OperatorContext op =
      new OperatorContext(
          null, // no event is sent on these paths
          CloudBackend.simulator(DemoWorld.unthrottled()),
          new Retry(1, 1, 1, ms -> {}, 1),
          Duration.ofMinutes(5),
          Duration.ofSeconds(5),
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
          4,
          new OperatorMetrics(new SimpleMeterRegistry(), true),
          Shard.ALL);

  static SecurityGroup resource(long generation, SecurityGroupStatus status) {
    SecurityGroup sg = new SecurityGroup();
    sg.setMetadata(
        new ObjectMetaBuilder()
            .withName("web")
            .withNamespace("shop")
            .withGeneration(generation)
            .build());
    sg.setStatus(status);
    return sg;
  }

  static Condition ready(SecurityGroupStatus s) {
    return Conditions.find(s.getConditions(), ConditionTypes.READY);
  }

  @Test
  void aShortWaitWritesNothingAndLooksAgainWhenTheNoticeIsDue() {
    SecurityGroupStatusDraft draft = new SecurityGroupStatusDraft(resource(1, null), op);
    draft.queued(Duration.ofSeconds(3));

    UpdateControl<SecurityGroup> control = draft.control();
    assertThat(control.isPatchStatus()).isFalse();
    assertThat(control.getScheduleDelay()).contains(Duration.ofSeconds(7).toMillis());
    assertThat(draft.queued).isTrue();
  }

  @Test
  void aLongWaitIsSaidInReadyAndSyncedWithoutAdvancingTheObservedGeneration() {
    SecurityGroupStatusDraft draft = new SecurityGroupStatusDraft(resource(2, null), op);
    draft.queued(Duration.ofSeconds(12));

    UpdateControl<SecurityGroup> control = draft.control();
    assertThat(control.isPatchStatus()).isTrue();
    assertThat(control.getScheduleDelay()).isEmpty();
    SecurityGroupStatus s = draft.status;
    assertThat(ready(s).getStatus()).isEqualTo("False");
    assertThat(ready(s).getReason()).isEqualTo("CreationQueued");
    assertThat(ready(s).getObservedGeneration()).isEqualTo(2L);
    assertThat(Conditions.find(s.getConditions(), ConditionTypes.SYNCED).getReason())
        .isEqualTo("CreationQueued");
    assertThat(s.getObservedGeneration()).as("nothing of generation 2 applied").isNull();

    // asked again while it still waits: the same status, so nothing is written
    SecurityGroupStatusDraft again = new SecurityGroupStatusDraft(resource(2, s), op);
    again.queued(Duration.ofSeconds(40));
    assertThat(again.control().isPatchStatus()).isFalse();
  }

  @Test
  void aRefusalOfThisGenerationStaysWhileTheRetryWaitsForItsTurn() {
    SecurityGroupStatus refused = new SecurityGroupStatus();
    refused.setConditions(
        Conditions.set(
            List.of(),
            ConditionTypes.READY,
            false,
            "InvalidVpcID.NotFound",
            "EC2 refused the change",
            3,
            op.clock()));
    SecurityGroupStatusDraft draft = new SecurityGroupStatusDraft(resource(3, refused), op);
    draft.queued(Duration.ofSeconds(30));
    assertThat(draft.control().isPatchStatus()).isFalse();
    assertThat(ready(draft.status).getReason()).isEqualTo("InvalidVpcID.NotFound");

    // after the spec changed, the refusal is of an older generation: the wait is said
    SecurityGroupStatusDraft changed = new SecurityGroupStatusDraft(resource(4, refused), op);
    changed.queued(Duration.ofSeconds(30));
    assertThat(ready(changed.status).getReason()).isEqualTo("CreationQueued");
  }
}
