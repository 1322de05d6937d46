package dev.portcullis.cloud.aws;

import java.util.Optional;

/** Where a reader of flow logs keeps its {@link FlowLogCheckpoint} across restarts. */
public interface FlowLogCheckpoints {
  /** Nowhere: a reader starts from its clock, and what it read is kept in memory only. */
  FlowLogCheckpoints NONE =
      new FlowLogCheckpoints() {
        @Override
        public Optional<FlowLogCheckpoint> load() {
          return Optional.empty();
        }

        @Override
        public boolean save(FlowLogCheckpoint checkpoint) {
          return true;
        }
      };

  /**
   * The checkpoint saved last, or empty when there is none (or it cannot be used: then start from
   * now).
   *
   * @throws RuntimeException when it cannot be read now (the reader tries again at its next read)
   */
  Optional<FlowLogCheckpoint> load();

  /** Saves {@code checkpoint}; false when it could not (the reader tries again next time). */
  boolean save(FlowLogCheckpoint checkpoint);
}
