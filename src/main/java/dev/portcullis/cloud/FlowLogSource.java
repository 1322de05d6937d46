package dev.portcullis.cloud;

import java.util.List;

/**
 * Where flow log records come from: the lines logged since the previous read, each once, in the
 * format the source names. The simulator's synthetic traffic is one source; a CloudWatch Logs group
 * of VPC Flow Logs is another.
 */
public interface FlowLogSource {
  /** The records logged since the previous read, oldest first. */
  List<String> read();

  /**
   * The records of the last read were counted: a source that keeps where it stands across restarts
   * saves it now, so that a restart reads none of them again.
   */
  default void counted() {}

  /** The fields of the records, as a flow log's {@code LogFormat} or header line. */
  String format();

  /** What the source is, for log lines. */
  String describe();
}
