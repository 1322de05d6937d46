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

  /** The fields of the records, as a flow log's {@code LogFormat} or header line. */
  String format();

  /** What the source is, for log lines. */
  String describe();
}
