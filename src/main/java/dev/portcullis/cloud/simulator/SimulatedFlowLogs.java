package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.FlowLogSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The flow log of the simulator's synthetic traffic: one record per connection, in EC2's default
 * format, waiting to be read. It holds at most {@link #CAPACITY} records; beyond that the oldest
 * go, and are counted as {@link #dropped()}, as a log group's retention would lose them. Thread-
 * safe.
 */
public final class SimulatedFlowLogs implements FlowLogSource {
  public static final int CAPACITY = 100_000;

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private long written;
  private long dropped;

  synchronized void write(String line) {
    if (lines.size() == CAPACITY) {
      lines.removeFirst();
      dropped++;
    }
    lines.addLast(line);
    written++;
  }

  @Override
  public synchronized List<String> read() {
    List<String> out = new ArrayList<>(lines);
    lines.clear();
    return out;
  }

  @Override
  public String format() {
    return "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes"
        + " start end action log-status";
  }

  @Override
  public String describe() {
    return "the simulator's synthetic traffic";
  }

  /** Records written so far, read or not. */
  public synchronized long written() {
    return written;
  }

  /** Records lost because nobody read them before {@link #CAPACITY} newer ones came. */
  public synchronized long dropped() {
    return dropped;
  }
}
