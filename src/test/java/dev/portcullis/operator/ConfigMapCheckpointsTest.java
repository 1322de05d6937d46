package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.aws.FlowLogCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a checkpoint is kept in a ConfigMap, and what a corrupt one does: none, with a warning. */
class ConfigMapCheckpointsTest {
  private static final String SOURCE = "eu-west-1 /vpc/flow-logs";

  @Test
  void aCheckpointReadsBackAsWritten() {
    FlowLogCheckpoint c = new FlowLogCheckpoint(42, Map.of("e1", 40L, "e2", 41L));
    assertThat(ConfigMapCheckpoints.parse(SOURCE, ConfigMapCheckpoints.format(SOURCE, c), "here"))
        .contains(c);
  }

  @Test
  void aCorruptCheckpointIsNoneSoTheReaderStartsFromNow() {
    assertThat(ConfigMapCheckpoints.parse(SOURCE, SOURCE + "\nflow-log-checkpoint v1\nx", "here"))
        .isEmpty();
    assertThat(ConfigMapCheckpoints.parse(SOURCE, "", "here")).isEmpty();
    assertThat(ConfigMapCheckpoints.parse(SOURCE, SOURCE, "here")).isEmpty();
  }

  @Test
  void anotherSourcesCheckpointIsNotUsed() {
    FlowLogCheckpoint c = new FlowLogCheckpoint(42, Map.of("e1", 40L));
    assertThat(
            ConfigMapCheckpoints.parse(
                SOURCE, ConfigMapCheckpoints.format("us-east-1 /vpc/flow-logs", c), "here"))
        .isEmpty();
  }

  @Test
  void keysAreConfigMapKeysOfTheRegionAndGroup() {
    assertThat(ConfigMapCheckpoints.key("eu-west-1", "/vpc/flow#logs"))
        .isEqualTo("eu-west-1._vpc_flow_logs");
  }
}
