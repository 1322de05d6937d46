package dev.portcullis.engine.eval.flowlog;

import java.util.List;

/**
 * What a record was attributed to ({@code key}, and the groups of the interface that decided it),
 * or why it was skipped ({@code skip}, with a detail naming what was wrong).
 */
public record Attribution(
    FlowKey key, List<String> groupIds, FlowLogRecord record, Skip skip, String detail) {
  static Attribution skipped(FlowLogRecord record, Skip skip, String detail) {
    return new Attribution(null, List.of(), record, skip, detail);
  }

  public boolean attributed() {
    return key != null;
  }
}
